/* The API token checkboxes of the user's token page
 * (templates/security/user/snippets/api_token_*.html): CKAN 2.12 enables the
 * "Revoke" button with an inline onchange="...", which the portal's
 * Content-Security-Policy refuses. Delegated from the document, so tokens
 * added by htmx are covered too. */
jQuery(document).on('change', '[data-angiang-revoke-toggle]', function () {
  jQuery('#revoke-tokens-button').attr('disabled', !jQuery('[name=token]:checked').length);
});
