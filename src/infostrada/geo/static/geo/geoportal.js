/* Geoportal map viewer: Leaflet over the page's own forms (progressive enhancement).
 *
 * Without this script the page still offers the parcel search, the layer list
 * (a GET form) and the print form. With it: the map with the platform's WMS
 * layers and a configurable external base map, the layer checkboxes toggling
 * overlays at once, search results shown on the map, information at a point,
 * distance and area measurement operable from the keyboard, and the view kept
 * in the address bar (a permalink) and in the print form.
 * Configuration comes from the JSON script element #geo-config.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("geo-config");
  var mapElement = document.getElementById("map");
  if (!configElement || !mapElement || typeof L === "undefined") {
    return; // no Leaflet: the page stays the no-JavaScript page
  }
  var config = JSON.parse(configElement.textContent);
  var t = config.i18n;
  var lang = document.documentElement.lang || "pl";

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key];
    });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }
  function number(value, digits) {
    return value.toLocaleString(lang, { maximumFractionDigits: digits });
  }

  document.querySelectorAll(".geo-js").forEach(function (node) {
    node.hidden = false;
  });
  document.querySelectorAll(".geo-nojs").forEach(function (node) {
    node.hidden = true;
  });
  document.body.classList.add("geo-has-map");

  // -- the map -------------------------------------------------------------
  var map = L.map(mapElement, { zoomControl: false, keyboard: true, maxZoom: 22 });
  mapElement.setAttribute("role", "region");
  mapElement.setAttribute("aria-label", t.map);
  L.control.zoom({ zoomInTitle: t.zoomIn, zoomOutTitle: t.zoomOut }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  var crosshair = el("div", { class: "geo-crosshair", "aria-hidden": "true" });
  mapElement.appendChild(crosshair);

  var baseLayers = {};
  config.baseMaps.forEach(function (base) {
    var options = {
      attribution: base.attribution,
      maxZoom: 22,
      maxNativeZoom: base.maxZoom,
      zIndex: 0,
      referrerPolicy: "strict-origin-when-cross-origin",
    };
    if (base.kind === "wms") {
      options.layers = base.layers;
      options.format = base.format;
      options.version = "1.3.0";
      options.uppercase = true;
      baseLayers[base.key] = L.tileLayer.wms(base.url, options);
    } else {
      baseLayers[base.key] = L.tileLayer(base.url, options);
    }
  });
  var baseKey = config.base || (config.baseMaps.length ? config.baseMaps[0].key : "none");
  function setBase(key) {
    Object.keys(baseLayers).forEach(function (k) {
      if (map.hasLayer(baseLayers[k])) {
        map.removeLayer(baseLayers[k]);
      }
    });
    baseKey = baseLayers[key] ? key : "none";
    if (baseLayers[baseKey]) {
      baseLayers[baseKey].addTo(map);
    }
  }

  var overlays = {};
  config.layers.forEach(function (layer, index) {
    overlays[layer.name] = L.tileLayer.wms(config.wms, {
      layers: layer.name,
      styles: "",
      format: "image/png",
      transparent: "TRUE",
      version: "1.3.0",
      uppercase: true,
      tileSize: 512,
      maxZoom: 22,
      zIndex: 10 + index,
      attribution: layer.attribution,
    });
  });
  function visibleNames() {
    return config.layers
      .filter(function (layer) {
        return map.hasLayer(overlays[layer.name]);
      })
      .map(function (layer) {
        return layer.name;
      });
  }

  var highlight = L.layerGroup().addTo(map);
  // The selected parcel: the one outlined on the map (from ?parcel=, or chosen among
  // the search results). The permalink and the zoning-extract link follow it, so a
  // permalink never carries a parcel that is no longer selected.
  var selected = config.highlight ? config.highlight.identifier : null;
  var extractLink = document.getElementById("extract-link");
  function select(identifier) {
    selected = identifier || null;
    if (extractLink && config.extractUrl) {
      extractLink.href = selected
        ? config.extractUrl + "?" + new URLSearchParams({ dzialki: selected }).toString()
        : config.extractUrl;
      extractLink.textContent = selected ? fmt(t.extractFor, { id: selected }) : t.extractAny;
    }
    updateLinks();
  }
  function showGeometry(geometry) {
    if (geometry) {
      L.geoJSON(geometry, {
        style: { color: "#c8102e", weight: 4, fill: false },
        interactive: false,
      }).addTo(highlight);
    }
  }

  if (config.view) {
    map.setView([config.view[0], config.view[1]], config.view[2]);
  } else {
    map.fitBounds(config.bounds, { maxZoom: 18 });
  }
  setBase(baseKey);
  config.layers.forEach(function (layer) {
    if (layer.visible) {
      overlays[layer.name].addTo(map);
    }
  });
  if (config.highlight) {
    showGeometry(config.highlight.geometry);
  }

  // -- permalink and print form --------------------------------------------
  var permalink = document.getElementById("permalink");
  var printForm = document.getElementById("print-form");
  function updateLinks() {
    var centre = map.getCenter();
    var params = new URLSearchParams();
    params.set("lat", centre.lat.toFixed(6));
    params.set("lon", centre.lng.toFixed(6));
    params.set("zoom", String(map.getZoom()));
    params.set("layers", visibleNames().join(","));
    if (config.units.length) {
      params.set("units", config.units.join(","));
    }
    if (baseKey !== (config.baseMaps.length ? config.baseMaps[0].key : "none")) {
      params.set("base", baseKey);
    }
    if (selected) {
      params.set("parcel", selected);
    }
    var url = window.location.pathname + "?" + params.toString();
    window.history.replaceState(null, "", url);
    if (permalink) {
      permalink.href = url;
    }
    if (printForm) {
      var bounds = map.getBounds();
      var sw = L.CRS.EPSG3857.project(bounds.getSouthWest());
      var ne = L.CRS.EPSG3857.project(bounds.getNorthEast());
      printForm.elements.bbox.value = [sw.x, sw.y, ne.x, ne.y]
        .map(function (v) {
          return v.toFixed(1);
        })
        .join(",");
      printForm.elements.layers.value = visibleNames().join(",");
    }
  }
  map.on("moveend", updateLinks);

  // -- layer list and base map -----------------------------------------------
  document.querySelectorAll("#layer-form input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      var overlay = overlays[box.getAttribute("data-layer")];
      if (!overlay) {
        return;
      }
      if (box.checked) {
        overlay.addTo(map);
      } else {
        map.removeLayer(overlay);
      }
      updateLinks();
    });
  });
  var layerForm = document.getElementById("layer-form");
  if (layerForm) {
    layerForm.addEventListener("submit", function (event) {
      event.preventDefault(); // the checkboxes already act on the map
    });
  }
  var baseSelect = document.getElementById("base-map");
  if (baseSelect) {
    baseSelect.value = baseKey;
    baseSelect.addEventListener("change", function () {
      setBase(baseSelect.value);
      updateLinks();
    });
  }

  // -- search ------------------------------------------------------------------
  var searchForm = document.getElementById("parcel-search");
  var results = document.getElementById("search-live");
  function showResults(data) {
    results.textContent = "";
    highlight.clearLayers();
    // one parcel found is selected; several or none clear the selection
    select(data.results && data.results.length === 1 ? data.results[0].identifier : null);
    if (data.problem) {
      results.appendChild(el("p", { class: "notice" }, data.problem));
    }
    if (!data.results || !data.results.length) {
      if (!data.problem) {
        results.appendChild(el("p", {}, t.foundNone));
      }
      return;
    }
    results.appendChild(el("p", {}, fmt(t.found, { n: data.results.length + (data.more ? "+" : "") })));
    var list = el("ol", { class: "geo-results" });
    var all = null;
    data.results.forEach(function (hit) {
      var item = el("li");
      item.appendChild(el("a", { href: hit.url }, fmt(t.parcelPage, { id: hit.identifier })));
      var meta = [hit.precinctName, hit.address].filter(Boolean).join(" · ");
      if (meta) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("span", { class: "meta" }, meta));
      }
      var show = el("button", { type: "button", class: "link geo-show" }, t.showOnMap);
      show.appendChild(el("span", { class: "visually-hidden" }, " — " + hit.identifier));
      show.addEventListener("click", function () {
        highlight.clearLayers();
        showGeometry(hit.geometry);
        select(hit.identifier);
        map.fitBounds(hit.bounds, { maxZoom: 18 });
      });
      item.appendChild(document.createTextNode(" "));
      item.appendChild(show);
      list.appendChild(item);
      showGeometry(hit.geometry);
      all = all ? all.extend(L.latLngBounds(hit.bounds)) : L.latLngBounds(hit.bounds);
    });
    results.appendChild(list);
    if (all) {
      map.fitBounds(all, { maxZoom: 18 });
    }
  }
  if (searchForm && results) {
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams({ q: searchForm.elements.q.value });
      if (config.units.length) {
        params.set("units", config.units.join(","));
      }
      fetch(config.searchUrl + "?" + params.toString(), {
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          showResults({
            problem: data.problem || data.detail || "",
            results: data.results,
            more: data.more,
          });
        })
        .catch(function () {
          results.textContent = t.searchFailed;
        });
    });
  }

  // -- information at a point ---------------------------------------------------
  var info = document.getElementById("info");
  function metresPerPixel() {
    var lat = (map.getCenter().lat * Math.PI) / 180;
    return (40075016.686 * Math.cos(lat)) / Math.pow(2, map.getZoom() + 8);
  }
  function describe(feature) {
    var item = el("li");
    item.appendChild(el("strong", {}, feature.layerTitle + ": "));
    if (feature.parcel) {
      item.appendChild(el("a", { href: feature.parcel.url }, fmt(t.parcelPage, { id: feature.parcel.identifier })));
    } else if (feature.zone) {
      item.appendChild(
        document.createTextNode(
          feature.zone.symbol + " — " + feature.zone.designation + " (" + t.plan + ": " + feature.zone.plan +
            (feature.zone.inForce ? "" : ", " + t.notInForce) + ")"
        )
      );
    } else {
      var text = feature.attributes
        .map(function (pair) {
          return pair[0] + ": " + pair[1];
        })
        .join("; ");
      item.appendChild(document.createTextNode(text || feature.fid));
    }
    return item;
  }
  function showInfo(latlng) {
    var params = new URLSearchParams({
      lat: latlng.lat.toFixed(7),
      lon: latlng.lng.toFixed(7),
      radius: Math.min(200, metresPerPixel() * 5).toFixed(2),
      layers: visibleNames().join(","),
    });
    if (config.units.length) {
      params.set("units", config.units.join(","));
    }
    fetch(config.infoUrl + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        var box = el("div");
        box.appendChild(el("h3", {}, t.infoHeading));
        if (!data.features || !data.features.length) {
          box.appendChild(el("p", {}, data.detail || t.infoNone));
        } else {
          var list = el("ul", { class: "plain" });
          data.features.forEach(function (feature) {
            list.appendChild(describe(feature));
          });
          box.appendChild(list);
        }
        info.textContent = "";
        info.appendChild(box);
        L.popup({ maxWidth: 320 }).setLatLng(latlng).setContent(box.cloneNode(true)).openOn(map);
      })
      .catch(function () {
        info.textContent = t.infoFailed;
      });
  }
  document.getElementById("info-centre").addEventListener("click", function () {
    showInfo(map.getCenter());
  });

  // -- measuring -------------------------------------------------------------------
  // Lengths and areas on a plane tangent to the GRS80 ellipsoid at the
  // measurement's centre: within 0.01 % over a gmina, no projection library.
  var measure = { mode: null, points: [], drawn: L.layerGroup().addTo(map) };
  var output = document.getElementById("measure-result");
  var buttons = {
    distance: document.getElementById("measure-distance"),
    area: document.getElementById("measure-area"),
    add: document.getElementById("measure-add"),
    undo: document.getElementById("measure-undo"),
    end: document.getElementById("measure-end"),
  };
  function planar(points) {
    var a = 6378137.0;
    var e2 = 0.00669438002290;
    var lat0 = 0;
    var lon0 = 0;
    points.forEach(function (p) {
      lat0 += p.lat / points.length;
      lon0 += p.lng / points.length;
    });
    var phi = (lat0 * Math.PI) / 180;
    var w = 1 - e2 * Math.sin(phi) * Math.sin(phi);
    var meridian = (a * (1 - e2)) / Math.pow(w, 1.5);
    var normal = a / Math.sqrt(w);
    return points.map(function (p) {
      return {
        x: (((p.lng - lon0) * Math.PI) / 180) * normal * Math.cos(phi),
        y: (((p.lat - lat0) * Math.PI) / 180) * meridian,
      };
    });
  }
  function length(xy, closed) {
    var total = 0;
    for (var i = 1; i < xy.length; i++) {
      total += Math.hypot(xy[i].x - xy[i - 1].x, xy[i].y - xy[i - 1].y);
    }
    if (closed && xy.length > 2) {
      total += Math.hypot(xy[0].x - xy[xy.length - 1].x, xy[0].y - xy[xy.length - 1].y);
    }
    return total;
  }
  function area(xy) {
    var sum = 0;
    for (var i = 0; i < xy.length; i++) {
      var j = (i + 1) % xy.length;
      sum += xy[i].x * xy[j].y - xy[j].x * xy[i].y;
    }
    return Math.abs(sum) / 2;
  }
  function distanceText(metres) {
    return metres >= 1000 ? number(metres / 1000, 3) + " km" : number(metres, 1) + " m";
  }
  function areaText(squareMetres) {
    if (squareMetres >= 1e6) {
      return number(squareMetres / 1e6, 3) + " km²";
    }
    if (squareMetres >= 1e4) {
      return number(squareMetres / 1e4, 4) + " ha (" + number(squareMetres, 0) + " m²)";
    }
    return number(squareMetres, 1) + " m²";
  }
  function redraw() {
    measure.drawn.clearLayers();
    var points = measure.points;
    points.forEach(function (p) {
      L.circleMarker(p, { radius: 4, color: "#1b3a5c", weight: 2, fillOpacity: 1, fillColor: "#fff", interactive: false }).addTo(measure.drawn);
    });
    var style = { color: "#d95f02", weight: 3, interactive: false };
    if (measure.mode === "area" && points.length > 2) {
      L.polygon(points, style).addTo(measure.drawn);
    } else if (points.length > 1) {
      L.polyline(points, style).addTo(measure.drawn);
    }
    var xy = planar(points);
    var text;
    if (measure.mode === "area") {
      text = points.length > 2
        ? fmt(t.area, { value: areaText(area(xy)), perimeter: distanceText(length(xy, true)) })
        : fmt(t.points, { n: points.length });
    } else {
      text = points.length > 1 ? fmt(t.distance, { value: distanceText(length(xy, false)) }) : fmt(t.points, { n: points.length });
    }
    output.textContent = text;
    buttons.undo.disabled = points.length === 0;
  }
  function startMeasure(mode) {
    measure.mode = mode;
    measure.points = [];
    buttons.distance.setAttribute("aria-pressed", String(mode === "distance"));
    buttons.area.setAttribute("aria-pressed", String(mode === "area"));
    buttons.add.disabled = false;
    buttons.end.disabled = false;
    mapElement.classList.add("geo-measuring");
    measure.drawn.clearLayers();
    output.textContent = t.measureStart;
    buttons.undo.disabled = true;
  }
  function endMeasure() {
    if (!measure.mode) {
      return;
    }
    measure.mode = null;
    buttons.distance.setAttribute("aria-pressed", "false");
    buttons.area.setAttribute("aria-pressed", "false");
    buttons.add.disabled = true;
    buttons.undo.disabled = true;
    buttons.end.disabled = true;
    mapElement.classList.remove("geo-measuring");
    output.textContent = (output.textContent === t.measureStart ? "" : output.textContent + " ") + t.measureEnd;
  }
  function addPoint(latlng) {
    measure.points.push(latlng);
    redraw();
  }
  buttons.distance.addEventListener("click", function () {
    startMeasure("distance");
  });
  buttons.area.addEventListener("click", function () {
    startMeasure("area");
  });
  buttons.add.addEventListener("click", function () {
    addPoint(map.getCenter());
  });
  buttons.undo.addEventListener("click", function () {
    measure.points.pop();
    redraw();
  });
  buttons.end.addEventListener("click", endMeasure);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && measure.mode) {
      endMeasure();
    }
  });
  mapElement.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target === mapElement) {
      if (measure.mode) {
        addPoint(map.getCenter());
      } else {
        showInfo(map.getCenter());
      }
    }
  });
  map.on("click", function (event) {
    if (measure.mode) {
      addPoint(event.latlng);
    } else {
      showInfo(event.latlng);
    }
  });

  updateLinks();
})();
