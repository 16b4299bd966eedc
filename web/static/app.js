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

/* Copy and print buttons for a secret shown once (recovery key, activation code): an element
 * [data-keytools="ID"] gets them, for the element #ID whose data-secret holds the text. The
 * page already says how to keep the secret without them. */
function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  return new Promise(function (resolve, reject) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (ok) resolve(); else reject(new Error('copy failed'));
  });
}

Array.prototype.forEach.call(document.querySelectorAll('[data-keytools]'), function (tools) {
  var id = tools.getAttribute('data-keytools');
  var source = document.getElementById(id);
  var status = document.querySelector('[data-keytools-status="' + id + '"]');
  if (!source) return;
  function say(text) { if (status) status.textContent = text; }
  function button(label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'button button--small button--secondary';
    b.textContent = label;
    b.addEventListener('click', onClick);
    tools.appendChild(b);
  }
  if (tools.dataset.copy) {
    button(tools.dataset.copy, function () {
      copyText(source.getAttribute('data-secret') || source.textContent.trim()).then(
        function () { say(tools.dataset.copied || ''); },
        function () { say(tools.dataset.copyFailed || ''); });
    });
  }
  if (tools.dataset.print && typeof window.print === 'function') {
    button(tools.dataset.print, function () { window.print(); });
  }
});
