// The SLA dashboard: asks for an operator token once per tab (sessionStorage), then fetches
// /operations/sla with it and refreshes every 30 s. Charts arrive as SVG drawn by the server.
"use strict";
const KEY = "p2p-operator-token";
const REFRESH_MS = 30000;
const $ = (id) => document.getElementById(id);

function pct(v) { return v === null || v === undefined ? "–" : `${Math.round(v * 100)}%`; }
function num(v) { return v === null || v === undefined ? "–" : String(Math.round(v * 10) / 10); }
function age(s) {
  if (s === null || s === undefined) return "–";
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}
function link(parent, href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  parent.append(a, " ");
}

const FIGURES = [
  ["transfers", "Transfers", num], ["completed", "Completed", num], ["completion_rate", "Completion rate", pct],
  ["first_pass_rate", "First-pass success", pct], ["match_decisions", "Match decisions", num],
  ["match_rate", "Identity match rate", pct], ["dead_letters", "Dead letters", num],
  ["held_for_identity", "Held for identity", num], ["retries", "Retries", num],
  ["mean_partner_latency_ms", "Mean partner latency (ms)", num], ["consent_refusals", "Consent refusals", num],
  ["data_quality_rejects", "Data-quality rejects", num], ["request_late", "Requested late", num],
  ["outbox_due", "Outbox due", num], ["outbox_lag_s", "Outbox lag", age],
];

function render(data) {
  const figures = $("figures");
  figures.replaceChildren();
  for (const [key, label, fmt] of FIGURES) {
    const div = document.createElement("div");
    div.className = "figure";
    div.dataset.figure = key;
    div.dataset.value = data.current[key] === null ? "" : String(data.current[key]);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = fmt(data.current[key]);
    div.append(value, label);
    figures.append(div);
  }
  const charts = $("charts");
  charts.replaceChildren();
  for (const [name, svg] of Object.entries(data.charts)) {
    const box = document.createElement("div");
    box.dataset.chart = name;
    box.innerHTML = svg; // drawn by our server from numbers, every text escaped
    charts.append(box);
  }
  const body = $("scorecards").tBodies[0];
  body.replaceChildren();
  for (const c of data.scorecards) {
    const row = body.insertRow();
    row.dataset.partner = c.partner_id;
    cell(row, c.partner_id);
    cell(row, num(c.transfers)).dataset.field = "transfers";
    cell(row, pct(c.completion_rate)).dataset.field = "completion_rate";
    cell(row, pct(c.first_pass_rate)).dataset.field = "first_pass_rate";
    cell(row, age(c.turnaround_p95_s));
    const ok = c.within_one_business_day;
    cell(row, ok === null ? "–" : ok ? "yes" : "no", ok === false ? "breach" : "");
    cell(row, pct(c.releases_on_time_rate));
    cell(row, pct(c.match_rate));
    cell(row, num(c.dead_letters)).dataset.field = "dead_letters";
    cell(row, num(c.held));
    cell(row, age(c.oldest_exception_age_s));
    cell(row, num(c.request_late), c.request_late ? "breach" : "");
    const links = cell(row, "");
    link(links, c.links.dead_letters, "dead letters");
    link(links, c.links.audit_events, "audit events");
  }
  const alerts = $("alerts");
  alerts.replaceChildren();
  for (const a of data.alerts) {
    const li = document.createElement("li");
    li.className = a.severity;
    li.dataset.kind = a.kind;
    li.textContent = `${a.severity} · ${a.kind} · ${a.partner_id}: ${a.summary} (since ${a.raised_at})`;
    alerts.append(li);
  }
  if (!data.alerts.length) alerts.textContent = "None.";
  $("updated").textContent = `updated ${new Date().toISOString()}`;
}

async function load() {
  const token = sessionStorage.getItem(KEY);
  if (!token) return showLogin("");
  const response = await fetch("/operations/sla", { headers: { Authorization: `Bearer ${token}` } });
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem(KEY);
    return showLogin(response.status === 401 ? "The token was refused or has expired." : "This token is not an operator's.");
  }
  if (!response.ok) { $("error").textContent = `The server answered ${response.status}.`; return; }
  render(await response.json());
  $("login").hidden = true;
  $("board").hidden = false;
  $("logout").hidden = false;
  document.body.dataset.loaded = "true";
}

function showLogin(message) {
  $("login").hidden = false;
  $("board").hidden = true;
  $("logout").hidden = true;
  $("error").textContent = message;
}

document.addEventListener("DOMContentLoaded", () => {
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("token").value.trim());
    $("token").value = "";
    load();
  });
  $("logout").addEventListener("click", () => { sessionStorage.removeItem(KEY); showLogin(""); });
  load();
  setInterval(() => { if (sessionStorage.getItem(KEY)) load(); }, REFRESH_MS);
});
