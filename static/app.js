// Keyhold's small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Tell the server the browser's time zone, so a time typed in a form means local time.
  document.querySelectorAll('form').forEach(function (form) {
    if (!form.querySelector('input[type="datetime-local"]')) return;
    var tz = document.createElement('input');
    tz.type = 'hidden';
    tz.name = 'tz_offset';
    tz.value = String(new Date().getTimezoneOffset());
    form.appendChild(tz);
  });
  // Show times in the reader's own time zone.
  document.querySelectorAll('time[datetime]').forEach(function (el) {
    var d = new Date(el.getAttribute('datetime'));
    if (isNaN(d)) return;
    var pad = function (n) { return n < 10 ? '0' + n : String(n); };
    el.textContent = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) +
      ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  });
})();
