/* Vietnamese-aware $.url.slugify for CKAN's slug preview (dataset and
 * agency forms): "Đất đai" -> "dat-dai", as ckanext/angiang/slug.py does on
 * the server.
 *
 * CKAN's own slugify (base/javascript/plugins/jquery.url-helpers.js) maps
 * characters one by one through a table that has no precomposed Vietnamese
 * letters, so "Đất đai" previews as "t-ai". Here the text is first
 * decomposed (NFD), the combining marks (tones, hooks, breves, circumflexes)
 * dropped and đ/Đ mapped to d; CKAN's own rules then do the rest (other
 * characters to "-", lower case, hyphens collapsed and trimmed).
 */
(function ($) {
  'use strict';
  if (!$ || !$.url || !$.url.slugify || $.url.slugify.angiang) {
    return;
  }

  var COMBINING_MARKS = /[\u0300-\u036f]/g;
  var D_STROKE = /[\u0111\u0110]/g; // đ Đ

  function transliterate(text) {
    var value = String(text === undefined || text === null ? '' : text);
    if (value.normalize) {
      value = value.normalize('NFD');
    }
    return value.replace(COMBINING_MARKS, '').replace(D_STROKE, 'd');
  }

  var ckanSlugify = $.url.slugify;
  $.url.slugify = function (string, trim) {
    return ckanSlugify.call(this, transliterate(string), trim);
  };
  $.url.slugify.angiang = true;
  $.url.transliterate = transliterate;
})(this.jQuery);
