// Live updates for a task page (progressive enhancement: the page is complete without this).
// Events arrive over Server-Sent Events with `id:` = the event's seq. The browser resends the last
// id as Last-Event-ID when it reconnects; we also skip any seq we already applied, so a dropped
// connection neither loses nor repeats events. All HTML in messages was escaped by the server.
(function () {
  "use strict";
  var root = document.getElementById("task");
  if (!root) return;
  var lastSeq = Number(root.getAttribute("data-last-seq") || "0");
  var baseUrl = root.getAttribute("data-events-url");
  var status = document.getElementById("live-status");
  var source = null;
  var retryDelay = 1000;

  function say(text) {
    if (status) status.textContent = text;
  }

  function apply(op) {
    var target = document.getElementById(op.target);
    if (!target) {
      if (op.fallback) apply(op.fallback);
      return;
    }
    var template = document.createElement("template");
    template.innerHTML = op.html;
    var node = template.content;
    if (op.op === "append") {
      target.appendChild(node);
    } else {
      // Keep a file or tool row the reader opened or closed as they left it.
      var wasOpen = target instanceof HTMLDetailsElement ? target.open : null;
      target.replaceWith(node);
      var replaced = document.getElementById(op.target);
      if (wasOpen !== null && replaced instanceof HTMLDetailsElement) replaced.open = wasOpen;
    }
  }

  function onEvent(message) {
    var data;
    try {
      data = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (typeof data.seq !== "number" || data.seq <= lastSeq) return;
    lastSeq = data.seq;
    root.setAttribute("data-last-seq", String(lastSeq));
    for (var i = 0; i < data.ops.length; i += 1) apply(data.ops[i]);
  }

  function connect() {
    var url = baseUrl + (baseUrl.indexOf("?") === -1 ? "?" : "&") + "after=" + lastSeq;
    source = new EventSource(url);
    source.addEventListener("open", function () {
      retryDelay = 1000;
      say("Live: new events appear as the agent works.");
    });
    source.addEventListener("task-event", onEvent);
    source.addEventListener("end", function () {
      source.close();
      root.setAttribute("data-terminal", "true");
      say("Task finished.");
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. an HTTP error): start over from the last applied seq.
        say("Connection lost; reconnecting…");
        setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      } else {
        say("Connection lost; reconnecting…");
      }
    });
  }

  if (root.getAttribute("data-terminal") !== "true" && baseUrl && typeof EventSource !== "undefined")
    connect();
  else say("");
})();
