/* The survey server's one script (no inline script is allowed by the pages' policy).
   - Forms marked data-autosave save a draft a moment after each change, and say so.
   - The roster search asks the server as one types and keeps ticked organisations.
   - The workshop page reloads the live map when new answers arrive.
   Everything works without it: the forms have buttons for the same actions. */
(function () {
  "use strict";

  function status() {
    // The reader's own clock and language: the server may be in another time zone.
    var node = document.querySelector(".status[data-saved-text]");
    var time = new Date().toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
    if (node) { node.textContent = node.getAttribute("data-saved-text").replace("TIME", time); }
  }

  function autosave(form) {
    var timer = null;
    var pending = false;
    function send() {
      timer = null;
      var data = new FormData(form);
      data.set("action", "autosave");
      pending = true;
      fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin",
                                           headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) { pending = false; if (answer && answer.saved) { status(); } })
        .catch(function () { pending = false; });
    }
    function later() { if (timer) { clearTimeout(timer); } timer = setTimeout(send, 1200); }
    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "q") { return; }
      later();
    });
    form.addEventListener("input", function (event) {
      if (event.target && event.target.type === "text") { later(); }
    });
    // Leaving the page with an unsaved change: save it now (sendBeacon survives the unload).
    window.addEventListener("pagehide", function () {
      if (timer && navigator.sendBeacon) {
        clearTimeout(timer);
        var data = new FormData(form);
        data.set("action", "autosave");
        navigator.sendBeacon(form.getAttribute("action"), data);
      }
    });
    form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); timer = null; } });
    return function () { return pending || timer !== null; };
  }

  function moveTicked(event) {
    var box = event.target;
    if (!box || box.name !== "partner" || !box.checked) { return; }
    var chosen = document.getElementById("chosen-list");
    var item = box.closest("li");
    if (chosen && item && !chosen.contains(item)) {
      chosen.appendChild(item);
      var empty = document.getElementById("chosen-empty");
      if (empty) { empty.hidden = true; }
    }
  }

  function search(input) {
    var results = document.getElementById("results");
    var timer = null;
    var asked = 0;
    function ask() {
      var number = ++asked;
      var url = input.getAttribute("data-search") + "?q=" + encodeURIComponent(input.value);
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null || number !== asked) { return; }
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector("main") || doc.body;
          var chosen = {};
          document.querySelectorAll("#chosen-list input[name=partner]").forEach(function (b) { chosen[b.value] = true; });
          fresh.querySelectorAll("input[name=partner]").forEach(function (b) {
            if (chosen[b.value]) { b.closest("li").remove(); }
          });
          results.replaceChildren.apply(results, Array.prototype.slice.call(fresh.childNodes));
        })
        .catch(function () { /* the search button still works */ });
    }
    input.addEventListener("input", function () { if (timer) { clearTimeout(timer); } timer = setTimeout(ask, 250); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); if (timer) { clearTimeout(timer); } ask(); }
    });
  }

  function workshop(root) {
    var frame = document.getElementById("workshop-map");
    var counter = document.getElementById("workshop-counter");
    var seen = root.getAttribute("data-version");
    function poll() {
      fetch(root.getAttribute("data-state"), { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (state) {
          if (!state) { return; }
          if (counter) { counter.textContent = state.text; }
          if (state.version !== seen && frame) {
            seen = state.version;
            frame.setAttribute("src", frame.getAttribute("data-src") + "?v=" + encodeURIComponent(seen));
          }
        })
        .catch(function () { /* try again at the next tick */ });
    }
    setInterval(poll, Number(root.getAttribute("data-interval") || 5000));
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(autosave);
    document.addEventListener("change", moveTicked);
    var input = document.querySelector("input[data-search]");
    if (input) { search(input); }
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    var root = document.querySelector("[data-workshop]");
    if (root) { workshop(root); }
    document.querySelectorAll("[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();
