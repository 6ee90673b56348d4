/* The buttons of the resource upload field (templates/security/package/
 * snippets/resource_upload_field.html), without inline handlers: CKAN 2.12
 * writes them as onclick="...", which the portal's Content-Security-Policy
 * refuses. Same behaviour as CKAN's handlers. */
this.ckan.module('angiang-upload-field', function ($) {
  function byId(id) { return document.getElementById(id); }
  var actions = {
    upload: function () {
      byId('resource-url-upload').checked = true;
      byId('field-resource-upload').click();
    },
    link: function () {
      byId('resource-url-link').checked = true;
      byId('field-resource-url').focus();
    },
    'clear-upload': function () {
      byId('field-clear-upload').checked = true;
      byId('field-resource-upload').focus();
    },
    remove: function (button) {
      byId('resource-url-none').checked = true;
      var focus = byId(button.getAttribute('data-angiang-focus'));
      if (focus) { focus.focus(); }
      var clear = button.getAttribute('data-angiang-clear');
      if (clear === 'upload') {
        var upload = $('#field-resource-upload');
        upload.replaceWith(upload.val('').clone(true));
      } else if (clear === 'url') {
        $('#field-resource-url').val('');
      }
    }
  };
  return {
    initialize: function () {
      this.el.on('click', '[data-angiang-action]', function (event) {
        var action = actions[this.getAttribute('data-angiang-action')];
        if (action) { action(this, event); }
      });
    }
  };
});
