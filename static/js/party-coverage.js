/* Coverage map (党组织覆盖图): Leaflet without a tile server. The village groups come as GeoJSON from the data
   URL named in the json_script block, each outlined from its parcels and coloured covered (green) or not (red);
   a click fills the card beside the map with the group's organisations, members and the suggestion. CSP-safe:
   no inline script or style attributes; text from the data is set as text, never as HTML. */
(function () {
  "use strict";

  var COVERED = "#2e7d32";
  var UNCOVERED = "#c62828";

  function paintLegend() {
    document.querySelectorAll(".land-map-swatch").forEach(function (swatch) {
      swatch.style.display = "inline-block";
      swatch.style.width = "14px";
      swatch.style.height = "14px";
      swatch.style.borderRadius = "2px";
      swatch.style.background = swatch.dataset.colour || "#999";
      swatch.style.border = "2px solid rgba(0,0,0,.25)";
    });
  }

  function sizeMap(el) {
    var height = Math.max(360, Math.min(640, window.innerHeight - 220));
    if (window.innerWidth < 576) { height = Math.max(300, Math.round(window.innerHeight * 0.55)); }
    el.style.height = height + "px";
    el.style.background = "#f4f1ea";
  }

  function styleFor(feature, selected) {
    var covered = feature.properties.covered;
    return {
      color: selected ? "#212121" : (covered ? COVERED : UNCOVERED),
      weight: selected ? 3 : 2,
      fillColor: covered ? COVERED : UNCOVERED,
      fillOpacity: 0.35
    };
  }

  function line(parent, tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (className) { node.className = className; }
    parent.appendChild(node);
    return node;
  }

  function fillCard(card, p, labels) {
    card.textContent = "";
    var body = document.createElement("div");
    body.className = "card-body";
    line(body, "h2", p.village + " " + p.name, "h5");
    var status = line(body, "p", p.covered ? labels.covered : labels.uncovered,
      "badge " + (p.covered ? "text-bg-success" : "text-bg-danger"));
    status.setAttribute("data-testid", "card-status");
    if (p.organizations.length) { line(body, "p", p.organizations.join("、"), "mb-1"); }
    line(body, "p", labels.members.replace("%(full)s", p.full).replace("%(probationary)s", p.probationary)
      .replace("%(activists)s", p.activists), "small text-muted");
    if (p.suggestion) { line(body, "p", p.suggestion, "mb-2"); }
    if (p.create_url) {
      var link = line(body, "a", labels.create, "btn btn-sm btn-danger");
      link.href = p.create_url;
    }
    card.appendChild(body);
  }

  function init(el) {
    var source = document.getElementById(el.dataset.config);
    if (!source || !window.L) { return; }
    var config = JSON.parse(source.textContent);
    var status = document.getElementById("coverage-map-status");
    var card = document.querySelector(el.dataset.cardTarget);
    sizeMap(el);
    paintLegend();
    var map = window.L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    map.setView([23.58, 104.34], 13);
    window.L.control.scale({ imperial: false }).addTo(map);
    var selected = null;
    var layer = null;
    if (status) { status.textContent = config.labels.loading; }
    fetch(config.dataUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        layer = window.L.geoJSON(data, {
          style: function (feature) { return styleFor(feature, false); },
          onEachFeature: function (feature, target) {
            var tip = document.createElement("span");
            tip.textContent = feature.properties.name + " · " +
              (feature.properties.covered ? config.labels.covered : config.labels.uncovered);
            target.bindTooltip(tip, { sticky: true });
            target.on("click", function () {
              if (selected) { layer.resetStyle(selected); }
              selected = target;
              target.setStyle(styleFor(feature, true));
              if (card) { fillCard(card, feature.properties, config.labels); }
            });
          }
        }).addTo(map);
        layer.eachLayer(function (target) {
          var element = target.getElement && target.getElement();
          if (!element) { return; }
          var p = target.feature.properties;
          element.setAttribute("data-group", p.name);
          element.setAttribute("data-covered", p.covered ? "1" : "0");
          element.setAttribute("tabindex", "0");
          element.setAttribute("role", "button");
          element.setAttribute("aria-label", p.name + " " + (p.covered ? config.labels.covered : config.labels.uncovered));
          element.addEventListener("keydown", function (event) {
            if (event.key === "Enter" || event.key === " ") { event.preventDefault(); target.fire("click"); }
          });
          var label = window.L.marker(target.getBounds().getCenter(), {
            icon: window.L.divIcon({ className: "coverage-label", html: "", iconSize: null }),
            interactive: false
          }).addTo(map);
          var node = label.getElement();
          if (node) {
            node.textContent = p.name;
            node.style.background = "rgba(255,255,255,.85)";
            node.style.border = "1px solid #999";
            node.style.borderRadius = "3px";
            node.style.padding = "0 4px";
            node.style.fontSize = "12px";
            node.style.whiteSpace = "nowrap";
            node.style.width = "auto";
            node.style.height = "auto";
          }
        });
        var bounds = layer.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16] }); }
        if (status) { status.textContent = data.count ? "" : config.labels.none; }
        el.dataset.loaded = String(data.count || 0);
      })
      .catch(function () {
        if (status) { status.textContent = config.labels.error; }
        el.dataset.loaded = "error";
      });
    window.addEventListener("resize", function () { sizeMap(el); map.invalidateSize(); });
  }

  document.querySelectorAll("[data-config].coverage-map").forEach(init);
})();
