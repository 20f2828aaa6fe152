// carenet-graph map: search, filters, highlight, legend, readable zoom. Static code: every
// user string arrives through the JSON data block and is only ever set as text.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("carenet-data").textContent);
  var ui = data.ui;
  var lang = document.documentElement.lang || "en";
  var plurals = (typeof Intl !== "undefined" && Intl.PluralRules) ? new Intl.PluralRules(lang) : null;
  var LABEL_PX = 12;  // names are this size on screen at every zoom
  var PLACE_PX = 13;
  var DIMMED = "rgba(200,200,200,0.35)";
  // An unnamed actor's label is drawn too small to show (vis skips it); 0 would read as "default size".
  var HIDDEN = 0.001;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  // A catalogue message: text with {placeholders}, or its plural branches chosen by the browser's
  // CLDR rules for the page's language. A function replacement never interprets "$" patterns.
  function say(message, values) {
    var text = message;
    if (message !== null && typeof message === "object") {
      var n = values[message.count];
      var category = plurals ? plurals.select(n) : (n === 1 ? "one" : "other");
      text = message[category] !== undefined ? message[category] : message.other;
    }
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      if (!Object.prototype.hasOwnProperty.call(values, key)) { return whole; }
      return typeof values[key] === "number" ? values[key].toLocaleString(lang) : String(values[key]);
    });
  }

  function tooltip(rows) {
    var box = el("div", null, "carenet-tip");
    rows.forEach(function (row, i) { box.appendChild(el(i === 0 ? "strong" : "div", row)); });
    return box;
  }

  function pale(color) {
    var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
    if (!m) { return DIMMED; }
    return "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," + parseInt(m[3], 16) + ",0.3)";
  }

  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  // Labels are placed in this order: pinned actors, then by importance.
  var order = data.nodes.slice().sort(function (a, b) {
    return ((b.pinned ? 1 : 0) - (a.pinned ? 1 : 0)) || (a.rank - b.rank) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
  // vis draws nodes (and their names) in data order: the important ones last, on top.
  var nodes = new vis.DataSet(order.slice().reverse().map(function (n) {
    return { id: n.id, label: n.label, x: n.x, y: n.y, color: n.color, size: n.size, shape: n.shape,
      facets: n.facets, title: tooltip(n.tip), font: { size: HIDDEN } };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var copy = Object.assign({}, e);
    copy.id = "e" + i;
    if (e.tip) { copy.title = tooltip(e.tip); }
    delete copy.tip;
    return copy;
  }));

  var state = { filters: {}, tieType: "", minLevel: 0, showIntroductions: true, highlight: null };
  var inside = {};   // actors the filters choose
  var context = {};  // their partners in other municipalities, drawn pale (municipality filter only)

  function passes(n, skipPlace) {
    for (var key in state.filters) {
      if (skipPlace && key === "municipality") { continue; }
      var wanted = state.filters[key];
      if (wanted !== "" && String(n.facets[key] === null ? "" : n.facets[key]) !== wanted) { return false; }
    }
    return true;
  }
  function edgePasses(e) {
    if (e.suggested) { return state.showIntroductions; }
    if (e.level !== null && e.level !== undefined && e.level < state.minLevel) { return false; }
    if (state.tieType !== "" && (e.types || []).indexOf(state.tieType) < 0) { return false; }
    return true;
  }
  function classify() {
    inside = {};
    context = {};
    data.nodes.forEach(function (n) { if (passes(n, false)) { inside[n.id] = true; } });
    if (!state.filters.municipality) { return; }
    data.edges.forEach(function (e) {
      if (e.suggested || !edgePasses(e)) { return; }
      [[e.from, e.to], [e.to, e.from]].forEach(function (p) {
        if (inside[p[0]] && !inside[p[1]] && byId[p[1]] && passes(byId[p[1]], true)) { context[p[1]] = true; }
      });
    });
  }
  function nodeVisible(n) { return inside[n.id] === true || context[n.id] === true; }
  function edgeVisible(e) {
    if (!edgePasses(e)) { return false; }
    return state.filters.municipality ? (inside[e.from] === true || inside[e.to] === true) : true;
  }
  classify();
  var nodeView = new vis.DataView(nodes, { filter: nodeVisible });
  var edgeView = new vis.DataView(edges, { filter: edgeVisible });

  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);
  window.network = network;  // pyvis convention: the page can be scripted and tested

  // Names: the most important first, each only where it collides with no name already placed
  // (screen boxes on a grid), and at the whole map's view only as many as the screen holds
  // legibly; zooming in brings more names (all that fit from twice the whole map's scale).
  var measure = document.createElement("canvas").getContext("2d");
  var widths = {};
  function labelWidth(n) {
    if (!(n.id in widths)) {
      measure.font = LABEL_PX + "px system-ui, sans-serif";
      widths[n.id] = measure.measureText(n.label).width;
    }
    return widths[n.id];
  }
  var fitScale = 1;
  var placeOrder = data.places.slice().sort(function (a, b) { return (b.r - a.r) || (a.label < b.label ? -1 : 1); });
  var shownPlaces = data.places.slice();
  function chooseLabels(scale, keep) {
    var out = {};
    var grid = {};
    var CELL = 64;
    var box = container.getBoundingClientRect();
    var positions = network.getPositions();
    var budget = Math.max(5, Math.round(box.width * box.height / 40000));
    budget = scale >= Math.min(1, 2 * fitScale) ? Infinity : Math.ceil(budget * Math.pow(scale / fitScale, 2));
    var count = 0;
    function cells(b, visit) {
      for (var gx = Math.floor(b[0] / CELL); gx <= Math.floor(b[2] / CELL); gx++) {
        for (var gy = Math.floor(b[1] / CELL); gy <= Math.floor(b[3] / CELL); gy++) {
          if (visit(gx + ":" + gy)) { return true; }
        }
      }
      return false;
    }
    // Take the screen box b for a name unless it overlaps one already taken.
    function claim(b) {
      var clash = cells(b, function (key) {
        return (grid[key] || []).some(function (o) { return b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]; });
      });
      if (!clash) { cells(b, function (key) { (grid[key] = grid[key] || []).push(b); return false; }); }
      return !clash;
    }
    // The municipalities' names come first (the larger ones before), each where it covers no
    // other; they are drawn on top, and the actors' names keep clear of them.
    var font = "bold " + PLACE_PX + "px system-ui, sans-serif";
    shownPlaces = [];
    placeOrder.forEach(function (place) {
      measure.font = font;
      var w = measure.measureText(place.label).width;
      var d = network.canvasToDOM({ x: place.x, y: place.y - place.r });
      if (claim([d.x - w / 2 - 2, d.y - 3 - PLACE_PX * 1.2, d.x + w / 2 + 2, d.y - 3])) { shownPlaces.push(place); }
    });
    order.forEach(function (n) {
      var p = positions[n.id];
      if (!p || (keep && !keep[n.id]) || (!keep && context[n.id]) || (count >= budget && !n.pinned)) { return; }
      var d = network.canvasToDOM(p);
      var r = n.size * Math.min(scale, 1);
      var w = labelWidth(n);
      var b = [d.x - w / 2 - 2, d.y + r, d.x + w / 2 + 2, d.y + r + LABEL_PX * 1.3];
      if (b[2] < 0 || b[0] > box.width || b[3] < 0 || b[1] > box.height) { return; }  // off screen
      if (claim(b)) {
        out[n.id] = true;
        count += 1;
      }
    });
    return out;
  }

  // One pass over every actor and tie: circle sizes and line widths fixed on screen once zoomed past scale 1,
  // names, highlight (the rest dimmed, names and ties too) and the pale partners elsewhere.
  var applied = {};
  function restyle() {
    var scale = network.getScale();
    var shrink = Math.min(scale, 1) / scale;
    var keep = null;
    if (state.highlight !== null) {
      keep = {};
      keep[state.highlight] = true;
      network.getConnectedNodes(state.highlight).forEach(function (other) { keep[other] = true; });
    }
    var named = chooseLabels(scale, keep);
    var updates = [];
    data.nodes.forEach(function (n) {
      var color = keep && !keep[n.id] ? DIMMED : context[n.id] ? pale(n.color) : n.color;
      var size = Math.round(n.size * shrink * 100) / 100;
      var font = named[n.id] ? Math.round(LABEL_PX / scale * 100) / 100 : HIDDEN;
      var key = color + "|" + size + "|" + font;
      if (applied[n.id] !== key) {
        applied[n.id] = key;
        updates.push({ id: n.id, color: color, size: size,
          font: { size: font, color: "#1b1b1b", strokeWidth: Math.round(300 / scale) / 100, strokeColor: "#ffffff" } });
      }
    });
    if (updates.length) { nodes.update(updates); }
    var edgeUpdates = [];
    data.edges.forEach(function (e, i) {
      var id = "e" + i;
      var base = e.color || {};
      var opacity = base.opacity === undefined ? 1 : base.opacity;
      if (keep) {
        if (e.from !== state.highlight && e.to !== state.highlight) { opacity = 0.08; }
      } else if (state.filters.municipality && !(inside[e.from] && inside[e.to])) {
        opacity = Math.min(opacity, 0.3);
      }
      // Lines, like circles, keep their width on screen once zoomed past scale 1.
      var width = Math.round(e.width * shrink * 100) / 100;
      var key = "e|" + opacity + "|" + width;
      if (applied[id] !== key) {
        applied[id] = key;
        edgeUpdates.push({ id: id, width: width,
          color: { color: base.color, highlight: base.color, hover: base.color, opacity: opacity } });
      }
    });
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
  }
  var pending = false;
  var seen = "";
  var timer = null;
  function schedule() {
    // A large map restyles once the zoom or pan has come to rest (updating thousands of actors
    // takes a good part of a second); a small one in the next frame.
    if (data.nodes.length > 600) {
      if (timer !== null) { window.clearTimeout(timer); }
      timer = window.setTimeout(function () { timer = null; restyle(); }, 150);
      return;
    }
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; restyle(); });
  }
  network.on("afterDrawing", function (ctx) {
    // Any change of zoom or view (wheel, pinch, fit, focus, moveTo) calls for new sizes and names.
    var view = network.getViewPosition();
    var now = network.getScale().toFixed(4) + ":" + view.x.toFixed(1) + ":" + view.y.toFixed(1);
    if (now !== seen) { seen = now; schedule(); }
    if (!data.places.length) { return; }
    var scale = network.getScale();
    ctx.save();
    ctx.font = "bold " + (PLACE_PX / scale) + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = "#ffffff";
    ctx.fillStyle = "#505050";
    shownPlaces.forEach(function (p) {
      var y = p.y - p.r - 3 / scale;
      ctx.strokeText(p.label, p.x, y);
      ctx.fillText(p.label, p.x, y);
    });
    ctx.restore();
  });
  network.on("beforeDrawing", function (ctx) {
    if (!data.places.length) { return; }
    ctx.save();
    ctx.lineWidth = 1 / network.getScale();
    ctx.fillStyle = "#f1f1f1";
    ctx.strokeStyle = "#d4d4d4";
    data.places.forEach(function (p) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, p.r, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    });
    ctx.restore();
  });

  function shownIds() {
    return Object.keys(inside).filter(function (id) { return nodeView.get(id) !== null; });
  }
  // Fit the circles (and the municipalities' discs with their names) into view. Our own fit,
  // not vis' fit(), which counts the names shown, so that each fit would change which fit.
  function fitView() {
    var ids = state.filters.municipality ? shownIds() : nodeView.getIds();
    if (!ids.length) { ids = nodeView.getIds(); }
    var pos = network.getPositions(ids);
    var r = [Infinity, Infinity, -Infinity, -Infinity];
    function add(x, y, size) {
      r = [Math.min(r[0], x - size), Math.min(r[1], y - size), Math.max(r[2], x + size), Math.max(r[3], y + size)];
    }
    ids.forEach(function (id) { add(pos[id].x, pos[id].y, byId[id].size); });
    if (!state.filters.municipality) {
      data.places.forEach(function (p) { add(p.x, p.y, p.r); add(p.x, p.y - p.r - PLACE_PX * 1.6, 0); });
    }
    if (!isFinite(r[0])) { return; }
    var box = container.getBoundingClientRect();
    // A frame not laid out yet has no size: a scale of 0 would make vis throw and the map never
    // be drawn. The resize observer below fits it once it has a size.
    if (!(box.width > 0 && box.height > 0)) { return; }
    // A small network or municipality is not blown up beyond a readable size.
    var most = state.filters.municipality ? 3 : 1.5;
    var scale = Math.min(box.width / ((r[2] - r[0]) * 1.06 + 20), box.height / ((r[3] - r[1]) * 1.06 + 20), most);
    network.moveTo({ position: { x: (r[0] + r[2]) / 2, y: (r[1] + r[3]) / 2 }, scale: scale, animation: false });
    if (!state.filters.municipality) { fitScale = network.getScale(); }
    fitted = true;
    restyle();
  }
  // While the reader has not moved the view, a resized window (or a phone turned) refits it.
  var fitted = true;
  network.on("zoom", function () { fitted = false; });
  network.on("dragEnd", function () { fitted = false; });
  if (window.ResizeObserver) {
    new window.ResizeObserver(function () { if (fitted) { fitView(); } }).observe(container);
  }

  function updateCount() {
    var shown = document.getElementById("shown");
    if (ui.shown_fixed) { shown.textContent = ui.shown_fixed; return; }
    var text = say(ui.shown, { shown: Object.keys(inside).length, total: data.nodes.length });
    var partners = Object.keys(context).length;
    if (partners) { text += ", " + say(ui.shown_partners, { partners: partners }); }
    shown.textContent = text;
  }

  function refresh() {
    classify();
    nodeView.refresh();
    edgeView.refresh();
    if (state.highlight !== null && nodeView.get(state.highlight) === null) { clearHighlight(); }
    updateCount();
    listMatches();
    restyle();
  }

  // Filters (sector, type, municipality, tie type) and the minimum level. A municipality is
  // zoomed to, with its ties to partners elsewhere kept (pale), as a facilitator needs them.
  data.filters.forEach(function (f) {
    var select = document.getElementById("filter-" + f.key);
    f.options.forEach(function (option) {
      var o = el("option", option.label);
      o.value = option.value;
      select.appendChild(o);
    });
    select.addEventListener("change", function () {
      if (f.key === "tie_type") { state.tieType = select.value; } else { state.filters[f.key] = select.value; }
      refresh();
      if (f.key === "municipality") { fitView(); }
    });
  });
  var level = document.getElementById("min-level");
  level.addEventListener("input", function () {
    state.minLevel = Number(level.value);
    document.getElementById("min-level-value").textContent = level.value;
    refresh();
  });
  var intro = document.getElementById("show-introductions");
  if (intro) {
    intro.addEventListener("change", function () { state.showIntroductions = intro.checked; refresh(); });
  }

  // Legend: colours (dots for actors, lines for ties) and what they mean.
  var legend = document.getElementById("legend-items");
  data.legend.forEach(function (item) {
    var row = el("li");
    var swatch = el("span", null, "swatch" + (item.line ? " line" + (item.dashed ? " dashed" : "") : ""));
    if (item.line) { swatch.style.borderTopColor = item.color; } else { swatch.style.background = item.color; }
    row.appendChild(swatch);
    row.appendChild(el("span", item.label));
    legend.appendChild(row);
  });

  // Search: matching names listed as text; a click focuses the actor; nothing found is said.
  // Only actors drawn are listed: vis cannot select or focus a node that is not drawn.
  var search = document.getElementById("search");
  var results = document.getElementById("results");
  function listMatches() {
    var q = search.value.trim();
    results.textContent = "";
    if (!q) { return; }
    var lower = q.toLowerCase();
    var found = order.filter(function (n) {
      return nodeVisible(n) && n.label.toLowerCase().indexOf(lower) >= 0;
    }).slice(0, 30);
    if (!found.length) {
      results.appendChild(el("li", say(ui.no_match, { query: q }), "no-match"));
      return;
    }
    found.forEach(function (n) {
      var item = el("li");
      var button = el("button", n.label);
      button.type = "button";
      button.addEventListener("click", function () { select(n.id); });
      item.appendChild(button);
      results.appendChild(item);
    });
  }
  search.addEventListener("input", listMatches);

  // Highlight a neighbourhood: everything else dimmed (actors, names and ties).
  function clearHighlight() {
    state.highlight = null;
    network.unselectAll();
    restyle();
  }
  function select(id) {
    state.highlight = id;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(1.2, network.getScale()), animation: false });
    fitted = false;
    restyle();
  }
  network.on("click", function (params) {
    if (params.nodes.length) { select(params.nodes[0]); } else if (state.highlight !== null) { clearHighlight(); }
  });

  document.getElementById("fit").addEventListener("click", function () {
    if (state.highlight !== null) { state.highlight = null; network.unselectAll(); }
    fitView();
  });
  var toggle = document.getElementById("panel-toggle");
  toggle.addEventListener("click", function () {
    var open = document.body.classList.toggle("panel-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  updateCount();
  fitView();
  // Fit again once drawn: only then does vis know every circle's and name's size.
  network.once("afterDrawing", function () {
    fitView();
    network.once("afterDrawing", function () {
      document.body.setAttribute("data-ready", "1");
      window.carenetReady = true;
    });
    network.redraw();
  });
}());
