/* app.js: progressive enhancement only. Every page works fully without it (Tor Browser
 * "Safest"), so nothing here may be needed to read a page, follow a link or send a form. */
'use strict';

document.documentElement.classList.add('js');

/* When the skip link or an in-page link moves focus to a target that is not focusable by
 * itself, browsers leave focus behind; make the target take focus so keyboard users land there. */
document.addEventListener('click', function (event) {
  var link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
  if (!link) return;
  var target = document.getElementById(link.getAttribute('href').slice(1));
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
});
