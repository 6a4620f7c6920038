// The wws admin panel: plain JS, no framework. It reads the management API (/_api/v0/*) every
// two seconds and renders the workers list, a worker's detail and the last errors.
"use strict";

const API = "/_api/v0";
const POLL_MS = 2000;
const HISTORY = 60;  // samples kept per worker for the requests-per-second sparkline

const state = {
  token: sessionStorage.getItem("wws-admin-token") || "",
  stats: null,            // last /_api/v0/stats
  history: new Map(),     // worker id -> [rps, ...]
  details: new Map(),     // worker id -> last /_api/v0/workers/{id}
  revealed: new Set(),    // worker ids whose vars the user chose to show
  timer: 0,
};

// ---------------------------------------------------------------- helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

const fmt = {
  int: (n) => Number(n || 0).toLocaleString("en-US"),
  ms: (n) => (n ? (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n)) + " ms" : "–"),
  rps: (n) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n >= 1 ? n.toFixed(1) : n > 0 ? n.toFixed(2) : "0"),
  bytes: (n) => {
    if (!n) return "–";
    const units = ["B", "KiB", "MiB", "GiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)) + " " + units[i];
  },
  duration: (s) => {
    s = Math.floor(s);
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  },
  time: (iso) => new Date(iso).toLocaleTimeString("en-GB"),
};

class AuthError extends Error {}

async function api(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  const response = await fetch(API + path, { ...options, headers, cache: "no-store" });
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  if (response.status === 401) throw new AuthError(body && body.error ? body.error : "a token is needed");
  if (!response.ok) throw new Error(body && body.error ? body.error : response.status + " " + response.statusText);
  return body;
}

function notice(text, isError = false) {
  const box = document.getElementById("notice");
  box.textContent = text;
  box.className = "notice" + (isError ? " error" : "");
  box.hidden = !text;
  if (text && !isError) setTimeout(() => { if (box.textContent === text) box.hidden = true; }, 5000);
}

function pill(text, kind) { return el("span", { class: "pill " + (kind || "") }, text); }

function sparkline(values) {
  const width = 300, height = 48;
  const chart = svg("svg", { class: "spark", viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", role: "img",
                             "aria-label": "requests per second over the last two minutes" });
  if (values.length < 2) return chart;
  const max = Math.max(...values, 1e-9);
  const step = width / (HISTORY - 1);
  const offset = (HISTORY - values.length) * step;
  const points = values.map((v, i) => `${(offset + i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 6)).toFixed(1)}`);
  chart.append(svg("polygon", { class: "area", points: `${offset},${height} ${points.join(" ")} ${width},${height}` }));
  chart.append(svg("polyline", { points: points.join(" ") }));
  return chart;
}

// ---------------------------------------------------------------- routing

function route() {
  const path = location.pathname.replace(/\/+$/, "");
  const worker = path.match(/^\/_panel\/workers\/([0-9a-f]+)$/);
  if (worker) return { view: "worker", id: worker[1] };
  if (path === "/_panel/errors") return { view: "errors" };
  return { view: "workers" };
}

function navigate(href) {
  history.pushState(null, "", href);
  render();
  refresh();
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-link]");
  if (link && !event.metaKey && !event.ctrlKey && !event.shiftKey && event.button === 0) {
    event.preventDefault();
    navigate(link.getAttribute("href"));
  }
});
window.addEventListener("popstate", () => { render(); refresh(); });

// ---------------------------------------------------------------- data

async function refresh() {
  clearTimeout(state.timer);
  try {
    const stats = await api("/stats");
    state.stats = stats;
    for (const w of stats.workers) {
      const series = state.history.get(w.id) || [];
      series.push(w.rps);
      if (series.length > HISTORY) series.shift();
      state.history.set(w.id, series);
    }
    const current = route();
    if (current.view === "worker") {
      const reveal = state.revealed.has(current.id) ? "?reveal=vars" : "";
      const [detail, errors] = await Promise.all([
        api("/workers/" + current.id + reveal).catch((e) => ({ missing: e.message })),
        api("/errors?worker=" + current.id),
      ]);
      state.details.set(current.id, detail);
      state.workerErrors = errors.errors;
    } else if (current.view === "errors") {
      state.errors = (await api("/errors")).errors;
    }
    render();
  } catch (error) {
    if (error instanceof AuthError) return showLogin(error.message);
    notice("Cannot reach the admin API: " + error.message, true);
  }
  state.timer = setTimeout(refresh, POLL_MS);
}

function showLogin(reason) {
  clearTimeout(state.timer);
  const view = document.getElementById("view");
  const form = document.getElementById("login-template").content.cloneNode(true);
  form.querySelector("[data-reason]").textContent = state.token ? "That token was not accepted." : reason;
  form.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = new FormData(event.target).get("token");
    sessionStorage.setItem("wws-admin-token", state.token);
    refresh();
  });
  view.replaceChildren(form);
  view.querySelector("input").focus();
}

async function reload() {
  const button = document.getElementById("reload");
  button.disabled = true;
  try {
    const result = await api("/reload", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    const problems = result.errors && result.errors.length ? " — " + result.errors.join("; ") : "";
    notice("Reloaded: " + (result.summary || "done") + problems, !result.ok || !!problems);
    await refresh();
  } catch (error) {
    notice("Reload failed: " + error.message, true);
  } finally {
    button.disabled = false;
  }
}
document.getElementById("reload").addEventListener("click", reload);

// ---------------------------------------------------------------- views

function renderHeader() {
  const s = state.stats;
  const figures = document.getElementById("server-figures");
  if (!s) return;
  const requests = s.workers.reduce((sum, w) => sum + w.rps, 0);
  figures.replaceChildren(
    el("span", {}, "v", el("b", {}, s.version)),
    el("span", {}, "up ", el("b", {}, fmt.duration(s.uptime_s))),
    el("span", {}, el("b", { "data-figure": "total-rps" }, fmt.rps(requests)), " req/s"),
    el("span", {}, el("b", {}, fmt.int(s.open_connections)), " connections"),
    el("span", {}, "run pool ", el("b", {}, `${s.run_pool.busy}/${s.run_pool.threads}`),
       s.run_pool.queued ? el("b", { class: "bad" }, ` (${s.run_pool.queued} queued)`) : ""),
  );
  document.getElementById("reload").hidden = !s.reload_available;
  const count = document.getElementById("error-count");
  count.hidden = !s.errors_recorded;
  count.textContent = fmt.int(s.errors_recorded);
  const current = route().view;
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("active", link.dataset.nav === (current === "worker" ? "workers" : current));
  }
}

function workersView() {
  const s = state.stats;
  const rows = s.workers.map((w) => el("tr", { class: "link", "data-worker": w.id, onclick: () => navigate("/_panel/workers/" + w.id) },
    el("td", {}, el("a", { href: "/_panel/workers/" + w.id, "data-link": true, class: "mono" }, w.path)),
    el("td", {}, w.name),
    el("td", {}, pill(w.engine), " ", pill(w.kind, w.kind)),
    el("td", {}, w.available ? pill("serving", "ok") : pill("not available", "bad"),
       w.reload_error ? [" ", pill("reload failed", "bad")] : null),
    el("td", { class: "num", "data-figure": "requests" }, fmt.int(w.requests)),
    el("td", { class: "num" }, fmt.rps(w.rps)),
    el("td", { class: "num" + (w.errors ? " bad" : ""), "data-figure": "errors" }, fmt.int(w.errors)),
    el("td", { class: "num" }, fmt.ms(w.p50_ms)),
    el("td", { class: "num" }, fmt.ms(w.p99_ms)),
    el("td", { class: "num" }, fmt.int(w.instances)),
    el("td", { class: "num" }, fmt.bytes(w.memory_bytes)),
  ));
  return [
    el("div", { class: "title-row" }, el("h1", {}, "Workers"),
       el("span", { class: "muted" }, `${s.workers.length} routes · static files ${fmt.int(s.static_requests)} · not found ${fmt.int(s.unmatched_requests)} · figures over the last ${Math.round(s.window_s)} s`)),
    el("section", { class: "card" }, el("table", { id: "workers" },
      el("thead", {}, el("tr", {}, ["Route", "Name", "Engine", "Status"].map((h) => el("th", {}, h)),
        ["Requests", "Req/s", "Errors", "p50", "p99", "Instances", "Memory"].map((h) => el("th", { class: "num" }, h)))),
      el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: 11, class: "empty" }, "This project has no workers."))))),
  ];
}

function figure(label, value, key) {
  return el("div", { class: "figure" }, el("div", { class: "label" }, label), el("div", { class: "value", "data-figure": key }, value));
}

function workerView(id) {
  const s = state.stats;
  const w = s.workers.find((x) => x.id === id);
  const detail = state.details.get(id);
  if (!w || !detail || detail.missing) {
    return el("section", { class: "card" }, el("h1", {}, "No such worker"),
      el("p", { class: "muted" }, detail && detail.missing ? detail.missing : "Loading…"),
      el("a", { href: "/_panel/", "data-link": true }, "← all workers"));
  }
  const statuses = Object.entries(w.statuses || {});
  const vars = Object.entries(detail.vars || {});
  const errors = state.workerErrors || [];
  const toggleVars = () => {
    if (state.revealed.has(id)) state.revealed.delete(id); else state.revealed.add(id);
    refresh();
  };
  return [
    el("div", { class: "title-row" },
      el("a", { href: "/_panel/", "data-link": true }, "← Workers"),
      el("h1", { class: "mono" }, w.path),
      pill(detail.engine, ""), pill(detail.kind, detail.kind),
      detail.available ? pill("serving", "ok") : pill("not available", "bad")),
    detail.error ? el("section", { class: "card" }, el("h2", { class: "bad" }, "This worker failed to load"),
      el("div", { class: "message", "data-load-error": true }, detail.error)) : null,
    detail.reload_error ? el("section", { class: "card" },
      el("h2", { class: "bad" }, "The last reload of this worker failed; its previous version keeps serving"),
      el("div", { class: "message", "data-reload-error": true }, detail.reload_error)) : null,
    el("div", { class: "grid" },
      figure("Requests", fmt.int(w.requests), "requests"),
      figure("Req/s", fmt.rps(w.rps), "rps"),
      figure("Errors (5xx)", fmt.int(w.errors), "errors"),
      figure("p50", fmt.ms(w.p50_ms), "p50"),
      figure("p99", fmt.ms(w.p99_ms), "p99"),
      figure("Instances", fmt.int(w.instances), "instances"),
      figure("Memory", fmt.bytes(w.memory_bytes), "memory"),
      figure("Timeouts", fmt.int(w.timeouts), "timeouts"),
      figure("Instantiations", fmt.int(w.instantiations), "instantiations"),
      figure("K/V reads / writes", `${fmt.int(w.kv_reads)} / ${fmt.int(w.kv_writes)}`, "kv")),
    el("section", { class: "card" }, el("h2", {}, "Requests per second"), sparkline(state.history.get(id) || []),
      el("div", { class: "muted small" }, statuses.length ? "Statuses: " + statuses.map(([c, n]) => `${c} × ${fmt.int(n)}`).join(" · ") : "No requests yet.")),
    el("section", { class: "card" }, el("h2", {}, "Configuration"),
      el("dl", { class: "kv" },
        el("dt", {}, "Name"), el("dd", {}, detail.name),
        el("dt", {}, "Id"), el("dd", { class: "mono" }, detail.id),
        el("dt", {}, "File"), el("dd", { class: "mono" }, detail.filepath),
        el("dt", {}, "Version"), el("dd", {}, detail.version || "–"),
        el("dt", {}, "K/V namespace"), el("dd", {}, detail.data.kv ?? "–"),
        el("dt", {}, "Folders"), el("dd", {}, detail.folders.length ? detail.folders.map((f) => el("div", { class: "mono" }, `${f.from} → ${f.to}`)) : "–"),
        el("dt", {}, "Outbound HTTP"), el("dd", {}, detail.http_requests.allowed_hosts.length
          ? `${detail.http_requests.allowed_hosts.join(", ")} (${detail.http_requests.allowed_methods.join(", ")})` : "none"),
        el("dt", {}, "Limits"), el("dd", {}, `${fmt.int(detail.limits.timeout_ms)} ms, ${fmt.int(detail.limits.memory_mb)} MiB`),
        el("dt", {}, "Variables"), el("dd", {},
          vars.length ? el("table", { id: "vars" }, el("tbody", {}, vars.map(([k, v]) => el("tr", {}, el("td", { class: "mono" }, k), el("td", { class: "mono" }, v))))) : "–",
          vars.length ? el("button", { type: "button", class: "secondary", id: "toggle-vars", onclick: toggleVars }, detail.vars_hidden ? "Show values" : "Hide values") : null))),
    el("section", { class: "card" }, el("h2", {}, "Last errors"), errorsTable(errors, false)),
  ];
}

function errorsTable(errors, withRoute) {
  if (!errors.length) return el("div", { class: "empty", "data-errors": 0 }, "No failed runs.");
  return el("table", { class: "errors", "data-errors": errors.length },
    el("thead", {}, el("tr", {}, el("th", {}, "Time"), withRoute ? el("th", {}, "Worker") : null, el("th", {}, "Request"),
      el("th", {}, "Outcome"), el("th", {}, "Cause"))),
    el("tbody", {}, errors.map((e) => el("tr", {},
      el("td", { class: "mono" }, fmt.time(e.time)),
      withRoute ? el("td", {}, el("a", { href: "/_panel/workers/" + e.worker_id, "data-link": true, class: "mono" }, e.route)) : null,
      el("td", { class: "mono" }, `${e.method} ${e.path} → ${e.status}`),
      el("td", {}, pill(e.outcome.replace(/_/g, " "), "bad")),
      el("td", { class: "message" }, e.message)))));
}

function errorsView() {
  return [
    el("div", { class: "title-row" }, el("h1", {}, "Last errors"),
       el("span", { class: "muted" }, "Runs that trapped, exited, timed out, ran out of memory or wrote invalid output; newest first.")),
    el("section", { class: "card" }, errorsTable(state.errors || [], true)),
  ];
}

function render() {
  if (!state.stats) return;
  renderHeader();
  const current = route();
  const view = document.getElementById("view");
  const content = current.view === "worker" ? workerView(current.id) : current.view === "errors" ? errorsView() : workersView();
  view.replaceChildren(...[content].flat().filter(Boolean));
  document.title = (current.view === "worker" ? "Worker" : current.view === "errors" ? "Errors" : "Workers") + " · wws admin";
}

refresh();
