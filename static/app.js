// Keyhold's small progressive enhancements; every page works without them. They run on
// the page and again on whatever htmx swaps in.
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var pad = function (n) { return n < 10 ? "0" + n : String(n); };

  // The same layout as the server's dates ("10 Mar 2026 09:00", "2026年3月10日 09:00"),
  // in the reader's own time zone.
  function localDateTime(d) {
    var time = pad(d.getHours()) + ":" + pad(d.getMinutes());
    if (zh) {
      return d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 " + time;
    }
    return d.getDate() + " " + months[d.getMonth()] + " " + d.getFullYear() + " " + time;
  }

  function enhance(root) {
    // Tell the server the browser's time zone, so a time typed in a form means local time.
    root.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector('input[type="datetime-local"]') || form.querySelector('input[name="tz_offset"]')) return;
      var tz = document.createElement("input");
      tz.type = "hidden";
      tz.name = "tz_offset";
      tz.value = String(new Date().getTimezoneOffset());
      form.appendChild(tz);
    });
    // Show instants in the reader's time zone.
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      if (el.getAttribute("datetime").length <= 10) return; // a calendar date: no zone
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) el.textContent = localDateTime(d);
    });
    // Tie each field error to its field for assistive technology.
    root.querySelectorAll(".field-error").forEach(function (err, i) {
      if (err.dataset.linked) return;
      err.dataset.linked = "1";
      var field = err.previousElementSibling;
      while (field && !/^(INPUT|SELECT|TEXTAREA)$/.test(field.tagName)) {
        field = field.previousElementSibling;
      }
      if (!field) return;
      if (!err.id) err.id = "field-error-" + i + "-" + (field.name || "x");
      field.setAttribute("aria-invalid", "true");
      var by = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", by ? by + " " + err.id : err.id);
    });
  }

  enhance(document);
  document.addEventListener("htmx:load", function (e) { enhance(e.target); });
})();
