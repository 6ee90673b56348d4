/* Accessible names for the select2 widgets CKAN builds from form fields
 * (WCAG 2.1 AA 4.1.2): select2 hides the original <select>/<input>, whose
 * <label for> then names nothing; its combobox and search box get the
 * label's id as aria-labelledby. Runs on the widgets present and on those
 * select2 builds later (a MutationObserver), so the module order matters not.
 */
(function ($) {
  'use strict';

  /* select2's own texts (the remove buttons' names, the search box's name):
   * CKAN's autocomplete module gives select2 three texts of its own and
   * leaves these in English; the page carries them translated
   * (templates/base.html, #angiang-select2-i18n). */
  var texts = document.getElementById('angiang-select2-i18n');
  if (texts && $.fn.select2 && $.fn.select2.amd) {
    var t = JSON.parse(texts.textContent);
    var en = $.fn.select2.amd.require('select2/i18n/en');
    Object.keys(t).forEach(function (key) { en[key] = function () { return t[key]; }; });
  }

  function labelFor(field) {
    if (!field || !field.id) { return null; }
    var label = document.querySelector('label[for="' + field.id + '"]');
    if (!label) { return null; }
    if (!label.id) { label.id = field.id + '-label'; }
    return label.id;
  }

  function name(container) {
    var field = container.previousElementSibling;
    while (field && !field.matches('select, input, textarea')) { field = field.previousElementSibling; }
    var id = labelFor(field);
    if (!id) { return; }
    // the combobox: the label, then what select2 names it with (the value shown)
    $(container).find('.select2-selection').each(function () {
      var ids = (this.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
      if (ids.indexOf(id) === -1 && !this.getAttribute('aria-label')) {
        this.setAttribute('aria-labelledby', [id].concat(ids).join(' '));
      }
    });
    $(container).find('.select2-selection__rendered[role], .select2-search__field')
      .each(function () {
        if (!this.getAttribute('aria-label') && !this.getAttribute('aria-labelledby')) {
          this.setAttribute('aria-labelledby', id);
        }
      });
  }

  function scan(root) {
    $(root).find('.select2-container').addBack('.select2-container').each(function () { name(this); });
  }

  $(function () {
    scan(document.body);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) {
        m.addedNodes.forEach(function (node) { if (node.nodeType === 1) { scan(node); } });
      });
    }).observe(document.body, {childList: true, subtree: true});
  });
})(this.jQuery);
