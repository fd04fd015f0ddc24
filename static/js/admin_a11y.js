// Django's SelectFilter2.js (the two-list picker of groups and permissions) draws its search icons as spans
// with an aria-label and no role, which ARIA prohibits (axe: aria-prohibited-attr): give them the role of an
// image, so their help text stays announced. Runs after SelectFilter2's own 'load' listener, added earlier.
window.addEventListener('load', function () {
  document.querySelectorAll('.search-label-icon[aria-label]:not([role])').forEach(function (icon) {
    icon.setAttribute('role', 'img');
  });
});
