// The live conversations page: polls the console's JSON API every two seconds.
(function () {
  "use strict";
  var root = document.getElementById("live");
  var csrf = root.dataset.csrf;
  var me = root.dataset.user;
  var current = null;
  var listEl = document.getElementById("live-list");
  var chat = document.getElementById("live-chat");
  var messagesEl = document.getElementById("chat-messages");
  var errorEl = document.getElementById("chat-error");
  var form = document.getElementById("send-form");
  var text = document.getElementById("send-text");
  var takeBtn = document.getElementById("take-over");
  var backBtn = document.getElementById("hand-back");
  var labels = { citizen: "Citizen", assistant: "Madadgar", staff: "Staff" };

  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: {} };
    if (method !== "GET") {
      options.headers["X-CSRF-Token"] = csrf;
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    return fetch(path, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.detail || response.statusText); }
        return data;
      });
    });
  }

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function when(iso) { return iso ? new Date(iso).toLocaleTimeString() : ""; }

  function showError(message) {
    errorEl.textContent = message || "";
    errorEl.hidden = !message;
  }

  function renderList(items) {
    listEl.textContent = "";
    if (!items.length) { listEl.appendChild(el("li", "muted", "Nobody is waiting.")); }
    items.forEach(function (c) {
      var li = el("li", "live-item state-" + c.state);
      var a = el("a", null, (c.masked_phone || c.id) + " · " + c.channel + " · " + c.language);
      a.href = "#" + encodeURIComponent(c.id);
      a.dataset.id = c.id;
      li.appendChild(a);
      var note = c.state === "waiting" ? "waiting since " + when(c.waiting_since)
        : "with " + (c.taken_by || "staff");
      li.appendChild(el("span", "small muted", " " + note));
      listEl.appendChild(li);
    });
  }

  function renderChat(c) {
    chat.hidden = false;
    document.getElementById("chat-title").textContent = c.masked_phone || c.id;
    document.getElementById("chat-meta").textContent =
      c.channel + " · " + c.language + " · " + (c.district || "helpline desk") + " · " + c.state +
      (c.taken_by ? " (" + c.taken_by + ")" : "");
    messagesEl.textContent = "";
    c.messages.forEach(function (m) {
      var li = el("li", "msg msg-" + m.from);
      li.dir = "auto";
      li.appendChild(el("p", null, m.text));
      li.appendChild(el("span", "small muted",
        (labels[m.from] || m.from) + " · " + when(m.at) + " · " + m.delivery));
      messagesEl.appendChild(li);
    });
    (c.notices || []).forEach(function (n) {
      var li = el("li", "msg msg-notice");
      li.dir = "auto";
      li.appendChild(el("p", null, n.text));
      li.appendChild(el("span", "small muted",
        "Notice " + n.notice.replace(/_/g, " ") + " · " + n.day + " · " + n.state.replace(/_/g, " ")));
      messagesEl.insertBefore(li, messagesEl.firstChild);
    });
    var mine = c.state === "taken_over" && c.taken_by === me;
    takeBtn.hidden = mine;
    backBtn.hidden = c.state !== "taken_over";
    form.hidden = !mine;
  }

  function refresh() {
    api("GET", "/api/conversations").then(function (data) {
      renderList(data.conversations);
    }).catch(function (e) { showError(e.message); });
    if (current) {
      api("GET", "/api/conversations/" + encodeURIComponent(current)).then(renderChat)
        .catch(function (e) { showError(e.message); });
    }
  }

  listEl.addEventListener("click", function (event) {
    var id = event.target.dataset && event.target.dataset.id;
    if (!id) { return; }
    event.preventDefault();
    current = id;
    showError("");
    refresh();
  });
  takeBtn.addEventListener("click", function () {
    api("POST", "/api/conversations/" + encodeURIComponent(current) + "/takeover")
      .then(renderChat).then(function () { showError(""); text.focus(); })
      .catch(function (e) { showError(e.message); });
  });
  backBtn.addEventListener("click", function () {
    api("POST", "/api/conversations/" + encodeURIComponent(current) + "/handback")
      .then(renderChat).catch(function (e) { showError(e.message); });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    api("POST", "/api/conversations/" + encodeURIComponent(current) + "/messages",
      { text: text.value })
      .then(function () { text.value = ""; showError(""); refresh(); })
      .catch(function (e) { showError(e.message); });
  });

  refresh();
  setInterval(refresh, 2000);
}());
