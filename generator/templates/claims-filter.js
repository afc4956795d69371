/* briefings: the claims appendix's filter. The filter lives in the URL's query (?rel=F&sourcing=anonymous), so a
   narrowed view can be linked and reloaded; rows that do not match are hidden. Without this script every claim is
   listed. On the index of a split appendix it loads facets.js (every claim's facets, no text) and lists the
   briefings whose claims match, each linking to its month's page with the same filter. No framework. */
(function () {
  "use strict";
  var LISTS = { about: true, event: true, tag: true }; // facets a claim may hold several values of

  function matches(values, filter) {
    for (var key in filter) {
      var have = values[key] || "";
      if (LISTS[key] ? have.split(" ").indexOf(filter[key]) < 0 : have !== filter[key]) return false;
    }
    return true;
  }

  function queryOf(filter) {
    var params = new URLSearchParams();
    for (var key in filter) params.set(key, filter[key]);
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function option(select, value, label) {
    var opt = document.createElement("option");
    opt.value = value;
    opt.textContent = label;
    select.appendChild(opt);
  }

  // The split index's options come from facets.js: the values some claim has, in the order the site lists them.
  function fillOptions(selects, facets) {
    var used = { by: {}, about: {}, briefing: {}, event: {}, tag: {} };
    facets.claims.forEach(function (c) {
      used.briefing[c[0]] = true;
      used.by[c[3]] = true;
      c[4].forEach(function (a) { used.about[a] = true; });
      c[5].forEach(function (e) { used.event[e] = true; });
      facets.briefings[c[0]][4].forEach(function (t) { used.tag[t] = true; });
    });
    var byName = function (a, b) { return a[1].localeCompare(b[1]); };
    var lists = {
      by: facets.actors.filter(function (a, i) { return used.by[i]; }).sort(byName),
      about: facets.actors.filter(function (a, i) { return used.about[i]; }).sort(byName),
      briefing: facets.briefings.filter(function (b, i) { return used.briefing[i]; }),
      event: facets.events.filter(function (e, i) { return used.event[i]; }).map(function (e) { return [e, e]; }),
      tag: facets.tags.filter(function (t, i) { return used.tag[i]; }).sort().map(function (t) { return [t, t]; })
    };
    selects.forEach(function (select) {
      (lists[select.name] || []).forEach(function (item) { option(select, item[0], item[1]); });
    });
  }

  // Each claim of facets.js as the row attributes a page's claims carry.
  function claimValues(facets, c) {
    var b = facets.briefings[c[0]];
    var id = function (list) { return function (i) { return list[i][0]; }; };
    return {
      rel: c[1].replace(/[0-9]/g, ""), cred: c[1].replace(/[A-Z]/g, ""), sourcing: facets.sourcings[c[2]],
      by: facets.actors[c[3]][0], about: c[4].map(id(facets.actors)).join(" "), briefing: b[0],
      event: c[5].map(function (e) { return facets.events[e]; }).join(" "),
      tag: b[4].map(function (t) { return facets.tags[t]; }).join(" ")
    };
  }

  function listMatches(box, facets, filter, query) {
    var out = document.querySelector(".bf-filter-results");
    if (!out) return 0;
    out.textContent = "";
    var counts = {}, order = [], total = 0;
    if (!Object.keys(filter).length) return facets.claims.length;
    facets.claims.forEach(function (c) {
      if (!matches(claimValues(facets, c), filter)) return;
      if (!(c[0] in counts)) { counts[c[0]] = 0; order.push(c[0]); }
      counts[c[0]] += 1;
      total += 1;
    });
    var head = document.createElement("p");
    head.textContent = total ? "The matching claims are in these briefings (newest first); each opens its month's " +
      "page with this filter:" : "No claim matches.";
    out.appendChild(head);
    var ul = document.createElement("ul");
    order.forEach(function (i) {
      var b = facets.briefings[i], page = facets.pages[b[3]];
      var li = document.createElement("li"), a = document.createElement("a"), small = document.createElement("small");
      a.href = page[1] + query + "#_" + b[0];
      a.textContent = b[1];
      small.textContent = " " + b[2] + " · " + counts[i] + " claim" + (counts[i] === 1 ? "" : "s");
      li.appendChild(a);
      li.appendChild(small);
      ul.appendChild(li);
    });
    out.appendChild(ul);
    return total;
  }

  function filterRows(filter) {
    var shown = 0;
    document.querySelectorAll(".bf-claim-row").forEach(function (row) {
      var ok = matches(row.dataset, filter);
      row.classList.toggle("bf-filtered-out", !ok);
      if (ok) shown += 1;
    });
    document.querySelectorAll(".bf-claims-group").forEach(function (group) {
      group.classList.toggle("bf-filtered-out", !group.querySelector(".bf-claim-row:not(.bf-filtered-out)"));
    });
    return shown;
  }

  function init() {
    var box = document.querySelector(".bf-filter");
    if (!box || box.hasAttribute("data-ready")) return;
    box.setAttribute("data-ready", "");
    document.documentElement.classList.add("bf-js");
    var selects = Array.prototype.slice.call(box.querySelectorAll("select"));
    var status = box.querySelector(".bf-filter-status");
    var total = Number(box.getAttribute("data-total"));
    var facets = null;

    function current() {
      var filter = {};
      selects.forEach(function (s) {
        if (s.value) filter[s.name] = s.value;
        s.classList.toggle("bf-active", !!s.value);
      });
      return filter;
    }

    function apply(updateUrl) {
      var filter = current(), query = queryOf(filter);
      if (updateUrl) history.replaceState(history.state, "", location.pathname + query + location.hash);
      var shown = facets ? listMatches(box, facets, filter, query) : filterRows(filter);
      var all = facets ? facets.claims.length : total;
      status.textContent = query ? shown + " of " + all + " claims match." : all + " claims; choose to narrow.";
      if (query) {
        var clear = document.createElement("button");
        clear.type = "button";
        clear.textContent = "Show all";
        clear.addEventListener("click", function () {
          selects.forEach(function (s) { s.value = ""; });
          apply(true);
        });
        status.appendChild(clear);
        var index = box.getAttribute("data-all");
        if (index) {
          var link = document.createElement("a");
          link.href = index + query;
          link.textContent = "Same filter on every month";
          status.appendChild(document.createTextNode(" "));
          status.appendChild(link);
        }
      }
    }

    function start() {
      var params = new URLSearchParams(location.search);
      selects.forEach(function (s) {
        var value = params.get(s.name);
        if (!value) return;
        // A shared link may name a value this page has no claim with: keep it, so it matches nothing here.
        if (!Array.prototype.some.call(s.options, function (o) { return o.value === value; })) option(s, value, value);
        s.value = value;
      });
      selects.forEach(function (s) { s.addEventListener("change", function () { apply(true); }); });
      apply(false);
    }

    var source = box.getAttribute("data-index");
    if (!source) return start();
    // The split index needs every claim's facets: loaded when a link carries a filter or the reader reaches
    // for a control, not by every visit to the month table.
    var loading = false;
    function load() {
      if (loading) return;
      loading = true;
      status.textContent = "Loading the filter…";
      var script = document.createElement("script"); // a script, not fetch(): it loads from file:// too
      script.src = source;
      script.onload = function () {
        facets = window.bfClaimFacets;
        var chosen = selects.map(function (s) { return s.value; });
        fillOptions(selects, facets);
        selects.forEach(function (s, i) { s.value = chosen[i]; }); // what the reader chose while it loaded
        start();
        if (chosen.some(Boolean)) apply(true);
      };
      script.onerror = function () { status.textContent = "The filter's index could not be loaded."; };
      document.head.appendChild(script);
    }
    if (location.search) return load();
    status.textContent = total ? total + " claims; choose to narrow." : "Choose to narrow the claims.";
    ["pointerdown", "focusin", "change"].forEach(function (type) { box.addEventListener(type, load); });
  }

  init();
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
