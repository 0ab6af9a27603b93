/* The page's behaviour. Data arrives as JSON and is only ever shown as text (textContent). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var byId = function (id) { return document.getElementById(id); };
  var slider = byId("kg-year");
  var kindShown = {};
  var groupShown = {};
  var groupOf = {};
  var hasEdge = {};
  window.kgDraws = 0;

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  // vis-network shows a string title with innerText; an element built here is text by construction.
  function withTooltip(item) {
    var copy = Object.assign({}, item, { title: element("div", "kg-tooltip", item.tooltip) });
    delete copy.tooltip;
    return copy;
  }

  data.edges.forEach(function (e) { hasEdge[e.from] = hasEdge[e.to] = true; });
  // Not vis-network's own `group` option, which would restyle the nodes.
  data.nodes.forEach(function (n) { groupOf[n.id] = n.category; groupShown[n.category] = true; });
  var nodes = new vis.DataSet(data.nodes.map(withTooltip));
  var edges = new vis.DataSet(data.edges.map(withTooltip));

  var undatedBox = byId("kg-undated");
  var current = null;  // what the details panel shows: {node: id} or {edge: id}
  var nodeById = {};
  data.nodes.forEach(function (n) { nodeById[n.id] = n; });

  // An edge is drawn for a year when it is dated and in force that year; an undated one only
  // when the reader asks for undated links (never as if it held in every year).
  function inForce(edge, year) {
    if (edge.undated) { return undatedBox.checked; }
    return (edge.startYear === null || edge.startYear <= year) &&
      (edge.endYear === null || edge.endYear > year);
  }

  function asOfText(year) {
    if (data.asOf) { return "As of " + data.asOf; }
    if (year !== null) { return "As of " + year + " (links in force that year)"; }
    return "Whole history";
  }

  function update() {
    var year = data.years ? Number(slider.value) : null;
    var touched = {};
    var shownEdges = 0;
    var shownNodes = 0;
    var undatedHidden = 0;
    edges.update(data.edges.map(function (e) {
      var kept = kindShown[e.kind] && groupShown[groupOf[e.from]] && groupShown[groupOf[e.to]];
      var shown = kept && (year === null ? (!e.undated || undatedBox.checked) : inForce(e, year));
      if (kept && e.undated && !shown) { undatedHidden += 1; }
      if (shown) {
        shownEdges += 1;
        touched[e.from] = touched[e.to] = true;
      }
      return { id: e.id, hidden: !shown };
    }));
    nodes.update(data.nodes.map(function (n) {
      var shown = groupShown[n.category] && (!hasEdge[n.id] || touched[n.id] === true || n.focus === true);
      if (shown) { shownNodes += 1; }
      return { id: n.id, hidden: !shown };
    }));
    if (data.years) { byId("kg-year-value").textContent = String(year); }
    byId("kg-as-of").textContent = asOfText(year);
    byId("kg-counter").textContent = "Showing " + shownEdges + " of " + data.edges.length +
      " links and " + shownNodes + " of " + data.nodes.length + " nodes" +
      (undatedHidden ? "; " + undatedHidden + " links with no date not drawn" : "");
    window.kgGraph = { nodes: shownNodes, edges: shownEdges };
    window.kgView = { year: year, undatedHidden: undatedHidden, asOf: byId("kg-as-of").textContent };
    if (current !== null) { showDetails(current); }
  }

  // --- the details panel: built with textContent and DOM nodes only -------------------------
  function period(e) {
    if (!e.start) { return "no date"; }
    return e.end ? e.start + " \u2013 " + e.end : "since " + e.start;
  }

  function citation(id) {
    var s = data.sources[id];
    var holder = element("span", "kg-cite");
    if (!s) { holder.textContent = id; return holder; }
    var text = (s.publisher ? s.publisher + ": " : "") + (s.title || id) +
      (s.published ? " (" + s.published + ")" : "");
    if (s.url && /^https?:\/\//.test(s.url)) {
      var link = element("a", "", text);
      link.href = s.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      holder.appendChild(link);
    } else {
      holder.textContent = text;
    }
    return holder;
  }

  function edgeItem(e, other) {
    var year = data.years ? Number(slider.value) : null;
    var item = element("li");
    var name = nodeById[other] ? nodeById[other].name + " (" + nodeById[other].code + ")" : other;
    item.appendChild(element("strong", "", name));
    item.appendChild(document.createTextNode(" " + (e.what || e.kind) + ", "));
    item.appendChild(element("span", e.undated ? "kg-undated-note" : "kg-when", period(e)));
    if (year !== null && !e.undated && !inForce(e, year)) {
      item.appendChild(element("span", "kg-when", " (not in force in " + year + ")"));
    }
    e.sources.forEach(function (id) { item.appendChild(citation(id)); });
    return item;
  }

  function showDetails(selection) {
    current = selection;
    var box = byId("kg-details");
    var body = byId("kg-details-body");
    body.textContent = "";
    box.hidden = false;
    if (selection.node !== undefined) {
      var n = nodeById[selection.node];
      byId("kg-details-title").textContent = n.name + " (" + n.code + ")";
      byId("kg-details-summary").textContent = n.tooltip;
      var groups = {};
      data.edges.forEach(function (e) {
        if (e.from === n.id || e.to === n.id) {
          (groups[e.kind] = groups[e.kind] || []).push(e);
        }
      });
      ["membership", "partnership", "stance"].forEach(function (kind) {
        var list = groups[kind];
        if (!list) { return; }
        list.sort(function (a, b) { return (a.start || "9999").localeCompare(b.start || "9999"); });
        body.appendChild(element("h3", "", kind.charAt(0).toUpperCase() + kind.slice(1) + "s (" + list.length + ")"));
        var ul = element("ul");
        list.forEach(function (e) { ul.appendChild(edgeItem(e, e.from === n.id ? e.to : e.from)); });
        body.appendChild(ul);
      });
    } else {
      var e = data.edges.filter(function (x) { return x.id === selection.edge; })[0];
      var from = nodeById[e.from], to = nodeById[e.to];
      byId("kg-details-title").textContent = from.name + " \u2192 " + to.name;
      byId("kg-details-summary").textContent = e.kind + (e.what ? ": " + e.what : "") + "\n" + period(e);
      var ul2 = element("ul");
      e.sources.forEach(function (id) { var li = element("li"); li.appendChild(citation(id)); ul2.appendChild(li); });
      body.appendChild(element("h3", "", "Sources (" + e.sources.length + ")"));
      body.appendChild(ul2);
    }
  }

  data.legend.nodes.forEach(function (entry) {
    var label = element("label", "kg-legend-row");
    var box = element("input");
    var swatch = element("span", "kg-swatch kg-swatch-" + entry.shape);
    box.type = "checkbox";
    box.checked = true;
    box.value = entry.group;
    box.addEventListener("change", function () { groupShown[entry.group] = box.checked; update(); });
    swatch.style.background = entry.color;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(element("span", "", entry.name));
    byId("kg-node-legend").appendChild(label);
  });
  data.legend.edges.forEach(function (entry) {
    var label = element("label", "kg-legend-row");
    var box = element("input");
    var line = element("span", "kg-swatch kg-swatch-line");
    box.type = "checkbox";
    box.checked = true;
    box.value = entry.kind;
    box.addEventListener("change", function () { kindShown[entry.kind] = box.checked; update(); });
    kindShown[entry.kind] = true;
    line.style.borderTopStyle = entry.dashes === false ? "solid" : (entry.dashes[0] < 4 ? "dotted" : "dashed");
    line.style.borderTopColor = entry.color;
    label.appendChild(box);
    label.appendChild(line);
    label.appendChild(element("span", "", entry.name));
    byId("kg-edge-legend").appendChild(label);
  });

  if (data.years) {
    slider.min = String(data.years[0]);
    slider.max = String(data.years[1]);
    slider.value = String(data.years[1]);
    slider.addEventListener("input", update);
  } else {
    slider.hidden = true;
    byId("kg-year-box").querySelector("legend").textContent = "Links with no date";
  }
  undatedBox.addEventListener("change", update);

  if (data.focus.length) {
    var focusLine = byId("kg-focus");
    focusLine.appendChild(element("span", "kg-focus-mark", "\u25CF "));
    focusLine.appendChild(document.createTextNode("Focus: " + data.focus.map(function (id) {
      return nodeById[id].name + " (" + nodeById[id].code + ")";
    }).join(", ")));
    focusLine.hidden = false;
  }

  var network = new vis.Network(byId("kg-network"), {}, data.options);
  network.on("afterDrawing", function () { window.kgDraws += 1; });
  network.on("click", function (params) {
    if (params.nodes.length) { showDetails({ node: params.nodes[0] }); }
    else if (params.edges.length) { showDetails({ edge: params.edges[0] }); }
  });
  window.kgShowDetails = function (id) { network.selectNodes([id]); showDetails({ node: id }); };
  window.kgNetwork = network;
  // What a reader sees: the labels drawn at the current zoom and how many of them overlap.
  window.kgReadability = function () { return readability(network); };

  data.nodes.forEach(function (n) {
    var option = element("option", "", n.code);
    option.value = n.name;
    byId("kg-search-list").appendChild(option);
  });
  function find(query) {
    var q = query.trim().toLowerCase();
    var exact = data.nodes.filter(function (n) {
      return n.code.toLowerCase() === q || n.id.toLowerCase() === q || n.name.toLowerCase() === q;
    });
    var partial = data.nodes.filter(function (n) {
      return n.code.toLowerCase().indexOf(q) >= 0 || n.name.toLowerCase().indexOf(q) >= 0;
    });
    return q === "" ? null : (exact[0] || partial[0] || null);
  }
  byId("kg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var node = find(byId("kg-search").value);
    var status = byId("kg-search-status");
    if (node === null) {
      status.textContent = "No match";
      return;
    }
    status.textContent = node.name + " (" + node.code + ")";
    network.selectNodes([node.id]);
    network.focus(node.id, { scale: 1.5, animation: false });
    showDetails({ node: node.id });
  });

  function ready() {
    network.once("afterDrawing", function () { document.body.dataset.kgReady = "1"; });
    network.redraw();
  }
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      update();
      ready();
    });
    network.setData({ nodes: nodes, edges: edges });
  } else {
    network.setData({ nodes: nodes, edges: edges });
    update();
    ready();
  }
}());

/* Label boxes as vis-network lays them out (canvas units), for measuring readability. */
function readability(network) {
  "use strict";
  var boxes = [];
  var scale = network.getScale();
  Object.keys(network.body.nodes).forEach(function (id) {
    var node = network.body.nodes[id];
    if (!node.options || node.options.hidden || !node.labelModule || !node.labelModule.elementOptions.label) { return; }
    var label = node.labelModule;
    var px = label.fontOptions.size * scale;
    var threshold = node.options.scaling && node.options.scaling.label && node.options.scaling.label.enabled ?
      node.options.scaling.label.drawThreshold : 0;
    if (px < threshold) { return; }
    var size = label.size;
    if (!size || !size.width) { return; }
    boxes.push([size.left, size.top, size.left + size.width, size.top + size.height, px]);
  });
  var overlaps = 0;
  var overlapping = {};
  for (var i = 0; i < boxes.length; i += 1) {
    for (var j = i + 1; j < boxes.length; j += 1) {
      var a = boxes[i], b = boxes[j];
      if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) {
        overlaps += 1;
        overlapping[i] = overlapping[j] = true;
      }
    }
  }
  var legible = 0;
  boxes.forEach(function (box, i) { if (box[4] >= 9 && !overlapping[i]) { legible += 1; } });
  // legible: drawn at 9 px or more on screen and overlapping no other label
  return { labels: boxes.length, overlappingPairs: overlaps,
           labelsOverlapping: Object.keys(overlapping).length, legible: legible, scale: scale };
}
