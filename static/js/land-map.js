/* Parcel map (地块图): Leaflet without a tile server. Parcels come as GeoJSON from the data URL
   named in the json_script block; each is coloured by status, a dashed red outline marks an area
   mismatch; a click loads the parcel card (an htmx partial) beside the map. The optional site image
   is the base layer (L.imageOverlay). CSP-safe: no inline script or style attributes; styles are
   set through the DOM (element.style), which the policy allows. */
(function () {
  "use strict";

  function sizeMap(el) {
    var top = el.getBoundingClientRect().top + window.scrollY;
    var height = Math.max(360, Math.min(900, window.innerHeight - 140));
    if (window.innerWidth < 576) { height = Math.max(320, Math.round(window.innerHeight * 0.6)); }
    el.style.height = height + "px";
    el.style.background = "#f4f1ea";
    return top;
  }

  function paintLegend() {
    document.querySelectorAll(".land-map-swatch").forEach(function (swatch) {
      swatch.style.display = "inline-block";
      swatch.style.width = "14px";
      swatch.style.height = "14px";
      swatch.style.borderRadius = "2px";
      swatch.style.background = swatch.dataset.colour || "#999";
      swatch.style.border = "2px " + (swatch.dataset.border ? "dashed " + swatch.dataset.border : "solid rgba(0,0,0,.25)");
    });
  }

  function styleFor(feature, selected) {
    var p = feature.properties;
    return {
      color: selected ? "#b71c1c" : (p.mismatch ? "#c62828" : "#37474f"),
      weight: selected ? 3 : (p.mismatch ? 2 : 1),
      dashArray: p.mismatch && !selected ? "4 3" : null,
      fillColor: p.colour,
      fillOpacity: 0.6
    };
  }

  function init(el) {
    var source = document.getElementById(el.dataset.config);
    if (!source || !window.L) { return; }
    var config = JSON.parse(source.textContent);
    var status = document.getElementById("parcel-map-status");
    var card = document.querySelector(el.dataset.cardTarget);
    sizeMap(el);
    paintLegend();

    var map = window.L.map(el, { attributionControl: false, zoomSnap: 0.25, preferCanvas: false });
    map.setView([27.1, 114.0], 13);
    window.L.control.scale({ imperial: false }).addTo(map);
    if (config.image) {
      window.L.imageOverlay(config.image.url, config.image.bounds, { opacity: 0.9, alt: config.image.title || "" }).addTo(map);
      map.fitBounds(config.image.bounds);
    }
    var selected = null;
    var layer = null;

    function openCard(feature, target) {
      if (selected) { layer.resetStyle(selected); }
      selected = target;
      target.setStyle(styleFor(feature, true));
      target.bringToFront();
      el.dataset.selected = feature.properties.code;
      if (card && window.htmx) {
        window.htmx.ajax("GET", feature.properties.card_url, { target: card, swap: "innerHTML" });
      } else if (card) {
        window.location.href = feature.properties.card_url;
      }
    }

    if (status) { status.textContent = config.labels.loading; }
    fetch(config.dataUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        var byId = {};
        layer = window.L.geoJSON(data, {
          style: function (feature) { return styleFor(feature, false); },
          onEachFeature: function (feature, target) {
            byId[String(feature.properties.id)] = target;
            var tip = document.createElement("span");  // text node: parcel codes are user data
            tip.textContent = feature.properties.code + " · " + feature.properties.status_label +
              " · " + feature.properties.area_mu + " " + config.labels.mu;
            target.bindTooltip(tip, { sticky: true });
            target.on("click", function () { openCard(feature, target); });
          }
        }).addTo(map);
        // Each polygon is a focusable, labelled element: Enter opens the card as a click does.
        layer.eachLayer(function (target) {
          var element = target.getElement && target.getElement();
          if (!element) { return; }
          var p = target.feature.properties;
          element.setAttribute("data-code", p.code);
          element.setAttribute("tabindex", "0");
          element.setAttribute("role", "button");
          element.setAttribute("aria-label", p.code + " " + p.status_label);
          element.addEventListener("keydown", function (event) {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              openCard(target.feature, target);
            }
          });
        });
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [12, 12] });
        }
        if (status) {
          var text = data.count ? config.labels.count.replace("%(count)s", data.count) : config.labels.none;
          if (data.truncated) { text = config.labels.truncated; }
          status.textContent = text;
        }
        el.dataset.loaded = String(data.count || 0);
        if (config.focus && byId[String(config.focus)]) {
          var target = byId[String(config.focus)];
          map.fitBounds(target.getBounds(), { maxZoom: 18, padding: [40, 40] });
          openCard(target.feature, target);
        }
      })
      .catch(function () {
        if (status) { status.textContent = config.labels.error; }
        el.dataset.loaded = "error";
      });
    window.addEventListener("resize", function () { sizeMap(el); map.invalidateSize(); });
  }

  document.querySelectorAll("[data-config].land-map").forEach(init);
})();
