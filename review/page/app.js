// The review page: lists flagged clients through the review API and
// unblocks or allowlists them, each after a confirmation. The admin token
// stays in this tab's sessionStorage and goes out as a bearer token; data
// is only ever written to the page as text, never as HTML.
"use strict";

(() => {
  const tokenKey = "portcullis-admin-token";
  const $ = (id) => document.getElementById(id);
  let cursor = "";
  let loadedAt = 0;

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const c of children) {
      if (c != null) e.append(c);
    }
    return e;
  }

  function setStatus(text, isError) {
    const s = $("status");
    s.textContent = text;
    s.className = isError ? "error" : "";
  }

  class AuthError extends Error {}

  async function api(method, path, body) {
    const headers = { Authorization: "Bearer " + sessionStorage.getItem(tokenKey), Accept: "application/json" };
    const init = { method, headers, cache: "no-store", credentials: "omit" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    let data = {};
    try { data = await res.json(); } catch (_) { /* not JSON */ }
    if (res.status === 401) throw new AuthError(data.error || "the token was refused");
    if (!res.ok) throw new Error(data.error || res.status + " " + res.statusText);
    return data;
  }

  function duration(s) {
    s = Math.max(0, Math.round(s));
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    if (d > 0) return d + "d " + h + "h";
    if (h > 0) return h + "h " + m + "m";
    if (m > 0) return m + "m " + sec + "s";
    return sec + "s";
  }

  function num(x) {
    if (x === 0) return "0";
    const a = Math.abs(x);
    if (a >= 1000) return Math.round(x).toString();
    if (a >= 10) return x.toFixed(1);
    return x.toPrecision(3).replace(/\.?0+$/, "");
  }

  function reasonsList(reasons, note) {
    const ul = el("ul", { className: "reasons" });
    if (note) {
      ul.append(el("li", {}, el("span", { className: "feature", textContent: note })));
    }
    for (const r of reasons || []) {
      if (r.feature.startsWith("manual")) {
        ul.append(el("li", {}, el("span", { className: "feature", textContent: r.feature })));
        continue;
      }
      ul.append(el("li", {},
        el("span", { className: "feature", textContent: r.feature }), " ",
        el("b", { textContent: num(r.value) }), " ",
        el("span", { className: "typical", textContent: "(" + num(r.typical) + ")" }),
        r.limit ? el("span", { className: "typical", textContent: " past the volume limit " + num(r.limit) }) : ""));
    }
    return ul;
  }

  function clientPath(client) {
    return "/api/v1/decisions/" + encodeURIComponent(client);
  }

  // confirmThen turns the actions cell into a question with a confirm
  // and a cancel button; only the confirm button acts.
  function confirmThen(cell, question, label, act) {
    const saved = Array.from(cell.childNodes);
    const cancel = el("button", { type: "button", className: "quiet", textContent: "Cancel" });
    const ok = el("button", { type: "button", className: "danger confirm", textContent: label });
    cancel.addEventListener("click", () => cell.replaceChildren(...saved));
    ok.addEventListener("click", async () => {
      ok.disabled = cancel.disabled = true;
      try {
        await act();
      } catch (e) {
        handle(e);
        cell.replaceChildren(...saved);
      }
    });
    cell.replaceChildren(el("span", { className: "ask", textContent: question }), ok, cancel);
    ok.focus();
  }

  // actionText says what a decision does to its client: its action, with
  // the rate of a throttle or a challenge.
  function actionText(it) {
    const action = it.action || "block";
    if ((action === "throttle" || action === "challenge") && it.limit > 0) {
      return action + " at " + it.limit + " req/s";
    }
    return action;
  }

  function row(it) {
    const tr = el("tr", { className: it.simulated ? "simulated" : "" });
    tr.dataset.client = it.client;
    tr.dataset.ts = it.ts;
    const name = el("button", { type: "button", textContent: it.client, title: "show recent judgements" });
    name.addEventListener("click", () => toggleDetail(tr, it));
    tr.append(
      el("td", { className: "client" }, name, el("small", { textContent: it.scope + (it.simulated ? ", dry run" : "") }),
        el("br"), el("small", { className: "action", textContent: actionText(it) })),
      it.origin === "manual"
        ? el("td", { className: "score" }, el("small", { textContent: "blocked by hand" }))
        : el("td", { className: "score" }, el("b", { textContent: it.score.toFixed(3) }), el("br"), el("small", { textContent: "threshold " + it.threshold.toFixed(3) })),
      el("td", {}, reasonsList(it.reasons, it.note),
        it.campaign ? el("small", { className: "campaign", textContent: "campaign " + it.campaign + ": " + (it.campaign_reason || "") }) : ""),
      el("td", { className: "num onset", textContent: duration(it.since_onset_s) + " ago", title: it.ts }),
      el("td", { className: "num ttl", textContent: duration(it.ttl_left_s), title: "until " + it.expires }),
    );
    tr._item = it;
    const actions = el("td", { className: "actions" });
    const unblock = el("button", { type: "button", className: "unblock", textContent: "Unblock" });
    const allow = el("button", { type: "button", className: "quiet allow", textContent: "Allowlist" });
    unblock.addEventListener("click", () => confirmThen(actions, "Unblock " + it.client + "?", "Confirm unblock", async () => {
      await api("POST", clientPath(it.client) + "/unblock");
      setStatus(it.client + " unblocked");
      await load();
    }));
    allow.addEventListener("click", () => confirmThen(actions, "Allowlist " + it.client + " for good?", "Confirm allowlist", async () => {
      await api("POST", "/api/v1/allowlist", { entry: it.client });
      setStatus(it.client + " allowlisted (and unblocked)");
      await load();
    }));
    actions.append(unblock, allow);
    tr.append(actions);
    return tr;
  }

  async function toggleDetail(tr, it) {
    const next = tr.nextElementSibling;
    if (next && next.classList.contains("detail")) {
      next.remove();
      return;
    }
    const cell = el("td", { colSpan: 6, textContent: "loading…" });
    tr.after(el("tr", { className: "detail" }, cell));
    try {
      const d = await api("GET", clientPath(it.client));
      const by = d.origin === "manual" ? "by hand" : d.model ? "by model " + d.model : "";
      const head = it.client + ": blocked after " + d.events + " events" + (by ? ", " + by : "") + (d.known ? "; known from training" : "");
      if (!d.history.length) {
        cell.replaceChildren(el("p", { textContent: head + ". No recent judgements held by this detector." }));
        return;
      }
      const t = el("table", { className: "history" },
        el("tr", {}, ...["event time", "events", "score", "", "top reasons"].map((h) => el("th", { textContent: h }))));
      for (const j of d.history) {
        t.append(el("tr", { className: j.decided ? "decided" : "" },
          el("td", { textContent: j.ts.replace("T", " ").replace(/(\.\d{1,3})\d*Z$/, "$1Z") }),
          el("td", { textContent: String(j.events) }),
          el("td", { textContent: j.scored ? j.score.toFixed(3) : "not scored" }),
          el("td", { textContent: (j.decided ? "blocked" : "") + (j.over_volume ? " (volume limit)" : "") }),
          el("td", { textContent: j.reasons.map((r) => r.feature + " " + num(r.value)).join(", ") })));
      }
      cell.replaceChildren(el("p", { textContent: head + ". Recent judgements:" }), t);
    } catch (e) {
      cell.textContent = e.message;
      if (e instanceof AuthError) handle(e);
    }
  }

  function query(withCursor) {
    const p = new URLSearchParams({ limit: "100" });
    const c = $("f-client").value.trim(), r = $("f-reason").value, s = $("f-since").value;
    if (c) p.set("client", c);
    if (r) p.set("reason", r);
    if (s) p.set("since", s);
    if (withCursor && cursor) p.set("cursor", cursor);
    return "/api/v1/decisions?" + p.toString();
  }

  async function load(more) {
    const tbody = $("decisions").tBodies[0];
    const page = await api("GET", query(more));
    if (!more) tbody.replaceChildren();
    loadedAt = Date.now();
    for (const it of page.items) tbody.append(row(it));
    if (!tbody.rows.length) {
      tbody.append(el("tr", {}, el("td", { colSpan: 6, className: "empty", textContent: "No active decisions match." })));
    }
    cursor = page.next_cursor || "";
    $("more").hidden = !cursor;
    $("summary").textContent = page.total + (page.total === 1 ? " active decision" : " active decisions") + " match; blocklist version " + page.version + ".";
    await loadAllowlist();
  }

  async function loadAllowlist() {
    const { entries, warnings } = await api("GET", "/api/v1/allowlist");
    const warn = $("allow-warning");
    warn.replaceChildren(...(warnings || []).map((w) => el("div", { textContent: "Warning: " + w })));
    warn.hidden = !(warnings || []).length;
    const ul = $("allowlist");
    ul.replaceChildren();
    if (!entries.length) ul.append(el("li", { className: "empty", textContent: "No entries." }));
    for (const e of entries) {
      const li = el("li", {}, el("code", { textContent: e }));
      li.dataset.entry = e;
      const actions = el("span", {});
      const rm = el("button", { type: "button", className: "quiet unallow", textContent: "Remove" });
      rm.addEventListener("click", () => confirmThen(actions, "Remove " + e + " from the allowlist?", "Confirm removal", async () => {
        await api("DELETE", "/api/v1/allowlist/" + encodeURIComponent(e));
        setStatus(e + " removed from the allowlist");
        await loadAllowlist();
      }));
      actions.append(rm);
      li.append(actions);
      ul.append(li);
    }
  }

  // tick counts the TTLs down and the onsets up between loads.
  function tick() {
    if (!loadedAt) return;
    const gone = (Date.now() - loadedAt) / 1000;
    for (const tr of $("decisions").tBodies[0].rows) {
      const it = tr._item;
      if (!it) continue;
      const left = it.ttl_left_s - gone;
      tr.querySelector(".ttl").textContent = left > 0 ? duration(left) : "lapsed";
      tr.querySelector(".onset").textContent = duration(it.since_onset_s + gone) + " ago";
    }
  }

  function handle(e) {
    if (e instanceof AuthError) {
      sessionStorage.removeItem(tokenKey);
      show(false, e.message);
      return;
    }
    setStatus(e.message, true);
  }

  function show(signedIn, loginError) {
    $("login").hidden = signedIn;
    $("review").hidden = !signedIn;
    $("signout").hidden = !signedIn;
    $("login-error").textContent = loginError || "";
    if (!signedIn) $("token").focus();
  }

  async function start() {
    show(true);
    try {
      await load();
    } catch (e) {
      handle(e);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(tokenKey, $("token").value.trim());
      $("token").value = "";
      start();
    });
    $("signout").addEventListener("click", () => {
      sessionStorage.removeItem(tokenKey);
      show(false);
    });
    $("filters").addEventListener("submit", (ev) => {
      ev.preventDefault();
      setStatus("");
      load().catch(handle);
    });
    $("refresh").addEventListener("click", () => load().catch(handle));
    $("more").addEventListener("click", () => load(true).catch(handle));
    $("allow-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const entry = $("allow-entry").value.trim();
      if (!entry) return;
      try {
        await api("POST", "/api/v1/allowlist", { entry });
        $("allow-entry").value = "";
        setStatus(entry + " allowlisted");
        await load();
      } catch (e) {
        handle(e);
      }
    });
    setInterval(tick, 1000);
    if (sessionStorage.getItem(tokenKey)) start(); else show(false);
  });
})();
