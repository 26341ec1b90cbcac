/* 房源展示 map (portal). Supplementary: the page's list and address list carry the same content.
   Tiles come from MAP_TILE_URL (data-tile-url); with none, or when the tile server fails, the markers
   stay on a plain background with a light grid. The map stays hidden when JavaScript or Leaflet is off. */
(function () {
  "use strict";
  var el = document.getElementById("listing-map");
  var data = document.getElementById("listing-map-points");
  if (!el || !data || !window.L) { return; }
  var points = JSON.parse(data.textContent).filter(function (p) { return p.lat !== null && p.lng !== null; });
  if (!points.length) { return; }
  el.hidden = false;
  var note = document.getElementById("listing-map-note");
  var detail = el.dataset.detailUrl;
  var map = L.map(el, {
    zoomSnap: 0.5,
    scrollWheelZoom: false,          // the page scrolls past the map
    dragging: !L.Browser.mobile,     // one finger scrolls the page on a phone; the zoom buttons still work
    attributionControl: false,
    zoomControl: false
  });
  L.control.zoom({ zoomInTitle: "放大", zoomOutTitle: "缩小" }).addTo(map);
  var latlngs = points.map(function (p) { return [p.lat, p.lng]; });
  var single = points.length === 1;
  var bounds = L.latLngBounds(latlngs).pad(single ? 0 : 0.15);
  // The view first: vector layers need a map centre before they can be drawn.
  if (single) {
    map.setView(latlngs[0], 15);
  } else {
    map.fitBounds(bounds);
  }

  var grid = null;
  function drawGrid() {
    if (grid) { return; }
    grid = L.layerGroup().addTo(map);
    var b = single ? L.latLngBounds([[points[0].lat - 0.03, points[0].lng - 0.03], [points[0].lat + 0.03, points[0].lng + 0.03]]) : bounds.pad(2);
    var step = single ? 0.005 : 0.05;
    var south = Math.floor(b.getSouth() / step) * step, west = Math.floor(b.getWest() / step) * step;
    for (var lat = south; lat <= b.getNorth() + step; lat += step) {
      L.polyline([[lat, west], [lat, b.getEast() + step]], { color: "#c5ced6", weight: 1, interactive: false }).addTo(grid);
    }
    for (var lng = west; lng <= b.getEast() + step; lng += step) {
      L.polyline([[south, lng], [b.getNorth() + step, lng]], { color: "#c5ced6", weight: 1, interactive: false }).addTo(grid);
    }
    el.classList.add("listing-map-plain");
  }

  var tileUrl = el.dataset.tileUrl;
  if (tileUrl) {
    var failures = 0;
    var tiles = L.tileLayer(tileUrl, { maxZoom: 19 });
    tiles.on("tileerror", function () {
      failures += 1;
      if (failures === 3) {  // the tile server is unreachable: fall back to the plain background
        map.removeLayer(tiles);
        drawGrid();
        if (note) { note.hidden = false; }
      }
    });
    tiles.addTo(map);
    L.control.attribution({ prefix: false }).addTo(map);
  } else {
    drawGrid();
  }

  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lng], { radius: 9, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 0.95 });
    var box = document.createElement("div");
    var title = document.createElement(detail ? "a" : "strong");
    if (detail) { title.href = detail.replace("/0/", "/" + p.id + "/"); }
    title.textContent = p.name;
    box.appendChild(title);
    if (p.address || p.district) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode([p.district, p.address].filter(Boolean).join(" · ")));
    }
    marker.bindPopup(box).bindTooltip(p.name).addTo(map);
  });
})();
