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

/* ---- Reporter pages (/lapor, /cek) ----
 * Each block below only enhances a page that already works without it. The page may be
 * written again into this same document (an upload's answer replaces the page), so this file
 * may run more than once per window: nothing here is declared with let or const at the top. */

/* Text with {name} placeholders filled in. */
function peluitFill(text, vars) {
  return String(text || '').replace(/\{(\w+)\}/g, function (m, k) {
    return Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m;
  });
}

/* A byte count as people read it, with the page language's decimal mark. */
function peluitSize(bytes) {
  var units = ['KB', 'MB', 'GB'];
  if (bytes < 1024) return bytes + ' B';
  var v = bytes / 1024;
  var u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  var s = v >= 10 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  if (document.documentElement.lang !== 'en') s = s.replace('.', ',');
  return s + ' ' + units[u];
}

/* "Save as text" for the receipt: a download of a small text file made here, from a data:
 * URL, so nothing is sent anywhere. */
Array.prototype.forEach.call(document.querySelectorAll('[data-keytools][data-save]'), function (tools) {
  var text = peluitFill(tools.dataset.saveText, {
    url: window.location.origin + (tools.dataset.saveUrl || '/cek'),
  });
  var link = document.createElement('a');
  link.className = 'button button--small button--secondary';
  link.href = 'data:text/plain;charset=utf-8,' + encodeURIComponent(text);
  link.setAttribute('download', tools.dataset.saveName || 'receipt.txt');
  link.textContent = tools.dataset.save;
  link.setAttribute('data-save-link', '');
  tools.appendChild(link);
});

/* Upload forms (the report form, more evidence): the files are checked before sending, then
 * the same form goes to the same address by XMLHttpRequest, so the page can show how much
 * has been sent; the answer (the receipt, or the form again) then replaces the page. */
(function () {
  if (!window.XMLHttpRequest || !window.FormData) return;
  Array.prototype.forEach.call(document.querySelectorAll('form[data-upload]'), function (form) {
    var d = form.dataset;
    var input = form.querySelector('input[type="file"]');
    var filesError = form.querySelector('[data-files-error]');
    var progress = form.querySelector('[data-upload-progress]');
    var bar = progress && progress.querySelector('progress');
    var status = progress && progress.querySelector('[data-upload-status]');
    var failure = form.querySelector('[data-upload-error]');
    var button = form.querySelector('button[type="submit"]');
    var sending = false;

    function check() {
      var files = input && input.files ? input.files : [];
      var max = parseInt(d.maxFiles, 10);
      var maxBytes = Number(d.maxBytes);
      if (max >= 0 && files.length > max) return peluitFill(d.tTooMany, { n: max });
      for (var i = 0; i < files.length; i++) {
        if (maxBytes > 0 && files[i].size > maxBytes) {
          return peluitFill(d.tTooBig, { name: files[i].name, size: d.maxSize });
        }
        if (files[i].size === 0) return peluitFill(d.tEmpty, { name: files[i].name });
      }
      return '';
    }

    function showCheck(problem) {
      if (!filesError || !input) return;
      filesError.textContent = problem;
      filesError.hidden = !problem;
      if (problem) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }

    function busy(on) {
      sending = on;
      if (button) {
        button.disabled = on;
        button.setAttribute('aria-busy', on ? 'true' : 'false');
      }
    }

    function fail() {
      busy(false);
      if (progress) progress.hidden = true;
      if (failure) {
        failure.textContent = d.tFailed || '';
        failure.hidden = false;
      }
    }

    if (input) input.addEventListener('change', function () { showCheck(check()); });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (sending) return;
      var problem = check();
      showCheck(problem);
      if (problem) {
        input.focus();
        return;
      }
      if (failure) failure.hidden = true;
      busy(true);
      if (progress) {
        progress.hidden = false;
        if (bar) bar.value = 0;
        if (status) status.textContent = '';
      }
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable || !bar) return;
        var percent = e.total ? Math.floor((e.loaded / e.total) * 100) : 100;
        bar.value = percent;
        if (status) {
          status.textContent = peluitFill(d.tSending, {
            sent: peluitSize(e.loaded), total: peluitSize(e.total), percent: percent,
          });
        }
      });
      xhr.upload.addEventListener('load', function () {
        if (bar) bar.value = 100;
        if (status) status.textContent = d.tProcessing || '';
        if (progress) progress.setAttribute('data-upload-done', '');
      });
      xhr.addEventListener('load', function () {
        var type = xhr.getResponseHeader('Content-Type') || '';
        if (!xhr.responseText || type.indexOf('text/html') !== 0) {
          fail();
          return;
        }
        /* A redirect (more evidence was added) leads to another address: show it. */
        if (xhr.responseURL && xhr.responseURL !== form.action) {
          window.history.replaceState(null, '', xhr.responseURL);
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
        window.scrollTo(0, 0);
        /* Keyboard and screen reader users start where the new page wants attention. */
        var arrive = document.querySelector('[data-arrive]') || document.getElementById('main');
        if (arrive) {
          if (arrive.id !== 'main') arrive.scrollIntoView({ block: 'center' });
          if (!arrive.hasAttribute('tabindex')) arrive.setAttribute('tabindex', '-1');
          arrive.focus({ preventScroll: true });
        }
      });
      xhr.addEventListener('error', fail);
      xhr.addEventListener('abort', fail);
      xhr.send(new FormData(form));
    });
  });
})();

/* The kelurahan list follows the chosen kecamatan. Without this, one list grouped by
 * kecamatan does the same job (and the server takes the kecamatan from the kelurahan). */
(function () {
  var kec = document.querySelector('[data-kecamatan-select]');
  var kel = document.querySelector('[data-kelurahan-select]');
  if (!kec || !kel) return;
  var placeholder = kel.options[0] ? kel.options[0].cloneNode(true) : null;
  var groups = Array.prototype.map.call(kel.querySelectorAll('optgroup'), function (g) {
    return g.cloneNode(true);
  });

  function groupOf(value) {
    for (var i = 0; i < groups.length; i++) {
      var options = groups[i].querySelectorAll('option');
      for (var j = 0; j < options.length; j++) {
        if (options[j].value === value) return groups[i].getAttribute('data-kecamatan');
      }
    }
    return '';
  }

  function render() {
    var chosen = kec.value;
    var current = kel.value;
    kel.textContent = '';
    if (placeholder) kel.appendChild(placeholder.cloneNode(true));
    groups.forEach(function (g) {
      if (!chosen) {
        kel.appendChild(g.cloneNode(true));
      } else if (g.getAttribute('data-kecamatan') === chosen) {
        Array.prototype.forEach.call(g.children, function (o) { kel.appendChild(o.cloneNode(true)); });
      }
    });
    kel.value = current;
    if (kel.value !== current) kel.value = '';
  }

  kec.addEventListener('change', render);
  kel.addEventListener('change', function () {
    if (!kec.value && kel.value) {
      kec.value = groupOf(kel.value);
      render();
    }
  });
  render();
})();

/* A live count of characters, and gentle warnings when a text seems to hold a phone number
 * or a receipt code. */
(function () {
  var phone = /(?:\+\s?62|\b62|\b0)[\s.-]?8\d(?:[\s.-]?\d){6,11}(?!\d)/;
  var receipt = /(?:\d[\s-]?){19}\d/;
  Array.prototype.forEach.call(document.querySelectorAll('textarea[data-warn-receipt]'), function (area) {
    var counter = area.id ? document.querySelector('[data-count-for="' + area.id + '"]') : null;
    var box = document.getElementById(area.id + '-warning');
    var timer = null;
    function count() {
      if (!counter) return;
      var n = Array.from(area.value.trim()).length;
      var shown = n.toLocaleString(document.documentElement.lang === 'en' ? 'en' : 'id');
      counter.textContent = peluitFill(area.dataset.count, { n: shown });
      counter.hidden = false;
    }
    function warn() {
      if (!box) return;
      var notes = [];
      if (receipt.test(area.value)) notes.push(area.dataset.warnReceipt);
      else if (area.dataset.warnPhone && phone.test(area.value)) notes.push(area.dataset.warnPhone);
      box.textContent = '';
      notes.forEach(function (text) {
        var p = document.createElement('p');
        p.textContent = text;
        box.appendChild(p);
      });
      box.hidden = notes.length === 0;
    }
    area.addEventListener('input', function () {
      count();
      clearTimeout(timer);
      timer = setTimeout(warn, 400);
    });
    count();
    warn();
  });
})();

/* "Use my location", only where the browser lets this page ask for it (the server's
 * Permissions-Policy decides); the page says plainly that a location can identify someone. */
(function () {
  var box = document.querySelector('[data-location]');
  if (!box) return;
  var d = box.dataset;
  var lat = box.querySelector('[data-location-lat]');
  var lon = box.querySelector('[data-location-lon]');
  var tools = box.querySelector('[data-location-tools]');
  var status = box.querySelector('[data-location-status]');
  var policy = document.permissionsPolicy || document.featurePolicy;
  var allowed = !!(navigator.geolocation && window.isSecureContext !== false);
  if (allowed && policy && typeof policy.allowsFeature === 'function') {
    allowed = policy.allowsFeature('geolocation');
  }
  if (!allowed && !(lat.value && lon.value)) return;
  box.hidden = false;

  function button(label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'button button--small button--secondary';
    b.textContent = label;
    b.addEventListener('click', onClick);
    tools.appendChild(b);
    return b;
  }

  function draw() {
    tools.textContent = '';
    if (lat.value && lon.value) {
      status.textContent = peluitFill(d.tAttached, { lat: lat.value, lon: lon.value });
      button(d.tRemove, function () {
        lat.value = '';
        lon.value = '';
        draw();
        status.textContent = d.tRemoved;
      });
    } else {
      status.textContent = '';
      if (allowed) {
        button(d.tButton, function (event) {
          var b = event.currentTarget;
          b.disabled = true;
          status.textContent = d.tFinding;
          navigator.geolocation.getCurrentPosition(function (pos) {
            lat.value = pos.coords.latitude.toFixed(5);
            lon.value = pos.coords.longitude.toFixed(5);
            draw();
          }, function () {
            b.disabled = false;
            status.textContent = d.tFailed;
          }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
        });
      }
    }
  }
  draw();
})();
