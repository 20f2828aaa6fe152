// carenet-graph map: search, filters, neighbourhood highlight, legend. Static code: every
// user string arrives through the JSON data block and is only ever set as text.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("carenet-data").textContent);
  var ui = data.ui;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function tooltip(rows) {
    var box = el("div", null, "carenet-tip");
    rows.forEach(function (row, i) {
      var line = el(i === 0 ? "strong" : "div", row);
      box.appendChild(line);
    });
    return box;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var copy = Object.assign({}, n);
    copy.title = tooltip(n.tip);
    delete copy.tip;
    return copy;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var copy = Object.assign({}, e);
    if (e.tip) { copy.title = tooltip(e.tip); }
    delete copy.tip;
    return copy;
  }));

  var state = { filters: {}, tieType: "", minLevel: 0, showIntroductions: true, highlight: null };

  function nodeVisible(n) {
    for (var key in state.filters) {
      var wanted = state.filters[key];
      if (wanted !== "" && String(n.facets[key] === null ? "" : n.facets[key]) !== wanted) { return false; }
    }
    return true;
  }
  function edgeVisible(e) {
    if (e.suggested) { return state.showIntroductions; }
    if (e.level !== null && e.level !== undefined && e.level < state.minLevel) { return false; }
    if (state.tieType !== "" && (e.types || []).indexOf(state.tieType) < 0) { return false; }
    return true;
  }
  var nodeView = new vis.DataView(nodes, { filter: nodeVisible });
  var edgeView = new vis.DataView(edges, { filter: edgeVisible });

  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);
  window.network = network;  // pyvis convention: the page can be scripted and tested

  function updateCount() {
    var shown = nodeView.length;
    document.getElementById("shown").textContent =
      ui.shown.replace("{shown}", String(shown)).replace("{total}", String(data.nodes.length));
  }

  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
    updateCount();
    listMatches();
  }

  // Filters (sector, type, municipality, tie type) and the minimum level.
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

  // Legend: colours and what they mean.
  var legend = document.getElementById("legend-items");
  data.legend.forEach(function (item) {
    var row = el("li");
    var swatch = el("span", null, "swatch");
    swatch.style.background = item.color;
    row.appendChild(swatch);
    row.appendChild(el("span", item.label));
    legend.appendChild(row);
  });

  // Search: matching names listed as text; a click focuses the actor. Only actors the
  // filters show are listed: vis cannot select or focus a node that is not drawn.
  var search = document.getElementById("search");
  var results = document.getElementById("results");
  function listMatches() {
    var q = search.value.trim().toLowerCase();
    results.textContent = "";
    if (!q) { return; }
    var found = data.nodes.filter(function (n) {
      return nodeVisible(n) && n.label.toLowerCase().indexOf(q) >= 0;
    }).slice(0, 30);
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

  // Highlight a neighbourhood by dimming everything else (our own code, not vis' highlightActive).
  var original = {};
  function dimAllBut(keep) {
    var updates = [];
    nodes.forEach(function (n) {
      if (!(n.id in original)) { original[n.id] = n.color; }
      updates.push({ id: n.id, color: keep[n.id] ? original[n.id] : "rgba(200,200,200,0.35)" });
    });
    nodes.update(updates);
  }
  function restore() {
    var updates = [];
    for (var id in original) { updates.push({ id: id, color: original[id] }); }
    nodes.update(updates);
    original = {};
    state.highlight = null;
  }
  function select(id) {
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (other) { keep[other] = true; });
    dimAllBut(keep);
    state.highlight = id;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
  }
  network.on("click", function (params) {
    if (params.nodes.length) { select(params.nodes[0]); } else if (state.highlight !== null) { restore(); }
  });

  updateCount();
  var done = false;
  network.once("afterDrawing", function () {
    if (!done) { done = true; document.body.setAttribute("data-ready", "1"); window.carenetReady = true; }
  });
}());
