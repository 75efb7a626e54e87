// The map of `geoevent map`: Leaflet over an offline basemap, events as
// circle markers, distance claims as lines, a popup per feature and a legend.
// Data is only ever inserted as text (textContent), never as HTML.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('geoevent-data').textContent);

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // The popup of a feature: its simplestyle title and description (the
  // sentence, then date, casualties and source), then actors for events.
  function popup(p, isEvent) {
    var box = el('div', 'geoevent-popup');
    box.appendChild(el('h3', null, p.title));
    box.appendChild(el('p', 'geoevent-description', p.description));
    if (isEvent) {
      var facts = [];
      var actors = [p.actor1, p.actor2].filter(Boolean).join(', ');
      if (actors) facts.push('Actors: ' + actors);
      if (p.event_id) facts.push('Event ' + p.event_id);
      if (facts.length) box.appendChild(el('p', 'geoevent-facts', facts.join(' \u00b7 ')));
    }
    return box;
  }

  var container = document.getElementById('geoevent-map');
  var map = L.map(container, { zoomSnap: 0.25 });
  L.control.scale({ imperial: false }).addTo(map);

  if (data.tiles) {
    L.tileLayer(data.tiles.url, { maxZoom: 19, attribution: data.tiles.attribution_html }).addTo(map);
  } else {
    var world = JSON.parse(document.getElementById('geoevent-countries').textContent);
    container.style.background = data.basemap.sea;
    L.geoJSON(topojson.feature(world, world.objects.countries), {
      interactive: false,
      attribution: data.basemap.attribution_html,
      style: { color: data.basemap.border, weight: 0.6, fillColor: data.basemap.land, fillOpacity: 1 }
    }).addTo(map);
  }

  var bounds = L.latLngBounds([]);
  var claims = L.layerGroup().addTo(map);
  data.claims.features.forEach(function (f) {
    if (!f.geometry || f.geometry.type !== 'LineString') return;
    var p = f.properties || {};
    var latlngs = f.geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
    var line = L.polyline(latlngs, { color: p.stroke, weight: p['stroke-width'] || 2, className: 'geoevent-claim' });
    line.bindPopup(popup(p, false), { maxWidth: 360 });
    line.addTo(claims);
    bounds.extend(line.getBounds());
  });

  var events = L.layerGroup().addTo(map);
  data.events.features.forEach(function (f) {
    if (!f.geometry || f.geometry.type !== 'Point') return;
    var p = f.properties || {};
    var c = f.geometry.coordinates;
    var marker = L.circleMarker([c[1], c[0]], {
      radius: 7, color: '#222', weight: 1, fillColor: p['marker-color'], fillOpacity: 0.9, className: 'geoevent-event'
    });
    marker.bindPopup(popup(p, true), { maxWidth: 360 });
    // The element exists once the map has a view (at the end).
    marker.on('add', function () {
      if (p.event_id) marker.getElement().setAttribute('data-event-id', p.event_id);
    });
    marker.addTo(events);
    bounds.extend(marker.getLatLng());
  });

  var legend = L.control({ position: 'bottomright' });
  legend.onAdd = function () {
    var box = el('div', 'geoevent-legend');
    function row(entry, line) {
      var r = el('div', 'geoevent-legend-row');
      var swatch = el('span', line ? 'geoevent-swatch geoevent-line' : 'geoevent-swatch');
      if (line) swatch.style.borderTopColor = entry.color;
      else swatch.style.backgroundColor = entry.color;
      r.appendChild(swatch);
      r.appendChild(el('span', 'geoevent-label', entry.label));
      r.appendChild(el('span', 'geoevent-count', entry.count));
      box.appendChild(r);
    }
    box.appendChild(el('h2', null, 'Events'));
    if (data.legend_events.length === 0) box.appendChild(el('div', null, 'none located'));
    data.legend_events.forEach(function (e) { row(e, false); });
    if (data.legend_claims.length) {
      box.appendChild(el('h2', null, 'Distance claims'));
      data.legend_claims.forEach(function (e) { row(e, true); });
    }
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  legend.addTo(map);

  // The 110m outlines show nothing past zoom 6; tiles do.
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [40, 40], maxZoom: data.tiles ? 10 : 6 });
  else map.fitWorld();
})();
