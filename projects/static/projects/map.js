/* 项目地图: markers from #map-points; tiles only when MAP_TILE_URL is set, else a grid (intranet). */
(function () {
  "use strict";
  var el = document.getElementById("project-map");
  if (!el || !window.L) { return; }
  var points = JSON.parse(document.getElementById("map-points").textContent);
  var detail = el.dataset.detailUrl;
  var map = L.map(el, { zoomSnap: 0.5 });
  var tileUrl = el.dataset.tileUrl;
  if (tileUrl) { L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map); }
  var latlngs = points.map(function (p) { return [p.lat, p.lng]; });
  var bounds = latlngs.length ? L.latLngBounds(latlngs).pad(0.2) : L.latLngBounds([[22.0, 113.2], [22.5, 113.7]]);
  if (!tileUrl) {
    // No tiles: draw the extent as an outline and a 0.05° grid so distances stay readable.
    L.rectangle(bounds, { color: "#0d5ea8", weight: 2, fill: false, dashArray: "6 4" }).addTo(map);
    var step = 0.05, south = Math.floor(bounds.getSouth() / step) * step, west = Math.floor(bounds.getWest() / step) * step;
    for (var lat = south; lat <= bounds.getNorth() + step; lat += step) {
      L.polyline([[lat, west], [lat, bounds.getEast() + step]], { color: "#c5ced6", weight: 1, interactive: false }).addTo(map);
    }
    for (var lng = west; lng <= bounds.getEast() + step; lng += step) {
      L.polyline([[south, lng], [bounds.getNorth() + step, lng]], { color: "#c5ced6", weight: 1, interactive: false }).addTo(map);
    }
  }
  points.forEach(function (p) {
    var url = detail.replace("/0/", "/" + p.id + "/");
    var marker = L.circleMarker([p.lat, p.lng], { radius: 8, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 0.9 });
    var link = document.createElement("a");
    link.href = url;
    link.textContent = p.name;
    var box = document.createElement("div");
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(p.number + " · " + p.type + " · " + p.units + "套"));
    marker.bindPopup(box).bindTooltip(p.name).addTo(map);
    marker.on("dblclick", function () { window.location.href = url; });
  });
  map.fitBounds(bounds);
})();
