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

  function inForce(edge, year) {
    return (edge.startYear === null || edge.startYear <= year) &&
      (edge.endYear === null || edge.endYear > year);
  }

  function update() {
    var year = data.years ? Number(slider.value) : null;
    var touched = {};
    var shownEdges = 0;
    var shownNodes = 0;
    edges.update(data.edges.map(function (e) {
      var shown = kindShown[e.kind] && groupShown[groupOf[e.from]] && groupShown[groupOf[e.to]] &&
        (year === null || inForce(e, year));
      if (shown) {
        shownEdges += 1;
        touched[e.from] = touched[e.to] = true;
      }
      return { id: e.id, hidden: !shown };
    }));
    nodes.update(data.nodes.map(function (n) {
      var shown = groupShown[n.category] && (!hasEdge[n.id] || touched[n.id] === true);
      if (shown) { shownNodes += 1; }
      return { id: n.id, hidden: !shown };
    }));
    if (data.years) { byId("kg-year-value").textContent = String(year); }
    byId("kg-counter").textContent = "Showing " + shownEdges + " of " + data.edges.length +
      " links and " + shownNodes + " of " + data.nodes.length + " nodes";
    window.kgGraph = { nodes: shownNodes, edges: shownEdges };
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
    byId("kg-year-box").hidden = true;
  }

  var network = new vis.Network(byId("kg-network"), {}, data.options);
  network.on("afterDrawing", function () { window.kgDraws += 1; });

  data.nodes.forEach(function (n) {
    var option = element("option", "", n.code);
    option.value = n.label;
    byId("kg-search-list").appendChild(option);
  });
  function find(query) {
    var q = query.trim().toLowerCase();
    var exact = data.nodes.filter(function (n) {
      return n.code.toLowerCase() === q || n.id.toLowerCase() === q || n.label.toLowerCase() === q;
    });
    var partial = data.nodes.filter(function (n) {
      return n.code.toLowerCase().indexOf(q) >= 0 || n.label.toLowerCase().indexOf(q) >= 0;
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
    status.textContent = node.label + " (" + node.code + ")";
    network.selectNodes([node.id]);
    network.focus(node.id, { scale: 1.5, animation: false });
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
