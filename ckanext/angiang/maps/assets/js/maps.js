/* The base map of ckanext-spatial's widgets ("dataset-map", "spatial-query"),
 * as the angiang_maps plugin configures it (h.angiang_map_config):
 *
 * - type "custom": the XYZ tile server of ckanext.angiang.maps.tile_url;
 *   type "none": no base map (no request to another server);
 * - zoom buttons, the draw button and the draw dialog named in the page's
 *   language (texts rendered by the server in map_config.i18n);
 * - the draw button reachable and usable from the keyboard.
 *
 * Loaded after ckanext-spatial's bundles; the widgets start on DOM ready,
 * after this file has replaced ckan.commonLeafletMap.
 */
(function (ckan, $) {
  'use strict';

  // htmx runs the scripts of a page it swaps in (CKAN's boosted links): patch once
  if (ckan.angiangMaps) { return; }
  ckan.angiangMaps = true;

  function texts(mapConfig) {
    return (mapConfig && mapConfig.i18n) || {};
  }

  ckan.commonLeafletMap = function (container, mapConfig, mapOptions, layerOptions) {
    mapConfig = mapConfig || {};
    var t = texts(mapConfig);
    var options = $.extend({}, mapOptions || {}, {zoomControl: false});
    var map = new L.Map(container, options);
    L.control.zoom({
      zoomInTitle: t.zoom_in || 'Zoom in',
      zoomOutTitle: t.zoom_out || 'Zoom out'
    }).addTo(map);

    if (mapConfig.type === 'custom' && mapConfig.custom_url) {
      var layer = $.extend({}, layerOptions || {}, {
        maxZoom: parseInt(mapConfig.max_zoom, 10) || 18,
        attribution: mapConfig.attribution || ''
      });
      if (mapConfig.subdomains) { layer.subdomains = mapConfig.subdomains; }
      map.addLayer(new L.TileLayer(mapConfig.custom_url, layer));
      if (mapConfig.attribution) {
        L.control.attribution({prefix: false}).addAttribution(mapConfig.attribution).addTo(map);
      }
    }
    var el = map.getContainer();
    el.classList.add('angiang-map-' + (mapConfig.type || 'none'));
    // Leaflet makes the map focusable (arrow keys pan it): name it.
    if (!el.getAttribute('aria-label')) { el.setAttribute('aria-label', t.map || 'Map'); }
    return map;
  };

  /* Texts of ckanext-spatial's modules: ours first, then CKAN's catalogue. */
  function translateModule(name) {
    var Module = ckan.module.registry[name];
    if (!Module) { return; }
    var base = Module.prototype._;
    Module.prototype._ = function (msgid) {
      var t = texts(this.options && this.options.map_config);
      return t[msgid] || base.apply(this, arguments);
    };
  }
  translateModule('dataset-map');
  translateModule('spatial-query');

  /* A map is built once per container: CKAN initializes the modules of the
   * content htmx swaps in (boosted facet links) besides its own start-up. */
  function once(name) {
    var Module = ckan.module.registry[name];
    if (!Module) { return; }
    var onReady = Module.prototype._onReady;
    Module.prototype._onReady = function () {
      var container = this.el.find('#dataset-map-container')[0];
      if (container && container._leaflet_id) { return false; }
      return onReady.apply(this, arguments);
    };
  }
  once('dataset-map');
  once('spatial-query');

  var SpatialQuery = ckan.module.registry['spatial-query'];
  if (SpatialQuery) {
    var onReady = SpatialQuery.prototype._onReady;
    SpatialQuery.prototype._onReady = function () {
      var result = onReady.apply(this, arguments);
      // The draw button is an <a> without href: make it a keyboard button
      // (Enter follows a link by itself; Space presses a button).
      this.el.find('.leaflet-control-custom-button').each(function () {
        var button = $(this);
        button.attr({role: 'button', tabindex: '0', href: '#',
                     'aria-label': button.attr('title')});
        button.find('i').attr('aria-hidden', 'true');
        button.on('click', function (e) { e.preventDefault(); });
        button.on('keydown', function (e) {
          if (e.key === ' ') { e.preventDefault(); this.click(); }
        });
      });
      return result;
    };
    var createModal = SpatialQuery.prototype._createModal;
    SpatialQuery.prototype._createModal = function () {
      var modal = createModal.apply(this, arguments);
      var t = texts(this.options.map_config);
      modal.find('.btn-close').attr('aria-label', t.Close || 'Close');
      modal.attr({'aria-labelledby': 'angiang-draw-title', role: 'dialog'});
      modal.find('.modal-title').attr('id', 'angiang-draw-title');
      // "Apply" is disabled by a class until a rectangle is drawn: say so
      // (and so it is exempt from the contrast of enabled controls)
      var apply = modal.find('button.apply');
      var sync = function () {
        if (apply.hasClass('disabled')) { apply.attr('aria-disabled', 'true'); }
        else { apply.removeAttr('aria-disabled'); }
      };
      sync();
      if (apply[0] && !apply.data('angiang-observed')) {
        apply.data('angiang-observed', true);
        new MutationObserver(sync).observe(apply[0], {attributes: true, attributeFilter: ['class']});
      }
      if (L.drawLocal && t.draw_start) {
        L.drawLocal.draw.toolbar.buttons.rectangle = t.draw_rectangle;
        L.drawLocal.draw.handlers.rectangle.tooltip.start = t.draw_start;
        L.drawLocal.draw.handlers.simpleshape.tooltip.end = t.draw_finish;
        L.drawLocal.draw.toolbar.actions.title = t.draw_cancel_title;
        L.drawLocal.draw.toolbar.actions.text = t.Cancel;
        L.drawLocal.draw.toolbar.finish.title = t.draw_finish_title;
        L.drawLocal.draw.toolbar.finish.text = t.draw_finish_text;
        L.drawLocal.draw.toolbar.undo.title = t.draw_undo_title;
        L.drawLocal.draw.toolbar.undo.text = t.draw_undo_text;
      }
      return modal;
    };
  }
})(this.ckan, this.jQuery);
