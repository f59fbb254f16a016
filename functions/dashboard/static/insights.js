/* The insights view, in two labelled sets of figures so that no quantity is shown twice without saying
   where it comes from: the nightly analysis's (its events as cards, the urgency trend and tone charts, the
   leads most likely to convert), as of the end of its run date; and live ones over the chosen period
   (leads per day, urgency, conversions), counted now from /api/analytics. */
import {apiJson} from './api.js?v=__VERSION__';
import * as charts from './charts.js?v=__VERSION__';
import {$, el, failed, renderFacts} from './dom.js?v=__VERSION__';
import {formatDateTime, formatDay, formatMoney, formatNumber, formatPercent, lang, t} from './i18n.js?v=__VERSION__';
import {nextTicket, show, stale} from './page.js?v=__VERSION__';
import {values} from './vocabularies.js?v=__VERSION__';

let shown = null;  // {insights, analytics, highValue, run}
const period = () => $('analytics-days').value;

export async function open(focus) {
  const ticket = nextTicket();
  const [insights, analytics] = await Promise.all([apiJson('GET', `/api/insights?lang=${lang()}`),  // its texts too
    apiJson('GET', `/api/analytics?days=${encodeURIComponent(period())}`)]);
  const prediction = insights.events.find((e) => e.event_type === 'conversion_prediction');
  const highValue = prediction?.learning_snapshot?.high_value_leads || [];
  const leads = await Promise.all(highValue.map((h) => apiJson('GET', `/api/leads/${h.lead_id}`).catch(() => null)));
  if (stale(ticket)) return;
  shown = {insights, analytics, highValue: highValue.map((h, i) => ({...h, lead: leads[i]?.lead})),
    run: nightlyRun(insights)};
  show('insights', focus, render);
}

/* The nightly run the cards come from: its date (the answer's run_date, else the newest event's), when
   it was computed (the answer's as_of, else the newest event's created_at), and whether it is the first. */
function nightlyRun(insights) {
  const daily = insights.events.filter((e) => values('dailyEvent').includes(e.event_type));
  const newest = daily.map((e) => e.created_at).filter(Boolean).sort().at(-1) || null;
  const newestEvent = daily.find((e) => e.created_at === newest);
  const date = insights.run_date || newestEvent?.learning_snapshot?.run_date || newest?.slice(0, 10) || null;
  return {date, computedAt: insights.as_of || newest, first: insights.first_run === true};
}

function render() {
  const {insights, analytics, highValue, run} = shown;
  const latest = Object.fromEntries(insights.events.map((e) => [e.event_type, e]));
  const charted = [latest.urgency_trend, latest.tone_distribution];  // drawn as charts, their text as caption
  const live = {from: formatDay(analytics.from), to: formatDay(analytics.to)};
  $('insights-run').textContent = !run.date ? t('insights.noRun')
    : [t(run.computedAt ? 'insights.run' : 'insights.runDay', {date: formatDay(run.date, 'long'),
      computed: formatDateTime(run.computedAt)}), run.first ? t('insights.firstRun') : ''].join(' ').trim();
  $('insights-live').textContent = t('insights.live', live);
  const nightly = run.date && t('insights.sourceNightly', {date: formatDay(run.date)});
  const cards = insights.events.filter((e) => values('dailyEvent').includes(e.event_type) && !charted.includes(e));
  $('insight-cards').replaceChildren(...cards.map(insightCard));
  urgencyTrendChart(latest.urgency_trend, nightly, run);
  toneChart(latest.tone_distribution, nightly);
  renderHighValue(highValue);
  const source = t('insights.sourceLive', live);
  leadsPerDayChart(analytics, source);
  urgencyPeriodChart(analytics, source, live);
  conversionsChart(analytics, source);
  firstResponse(analytics);
}

/* A card is titled by what it is about: the API's title (in the language asked for), else its event's
   kind, or for a pattern, the pattern's kind. */
const titleOf = (event, snapshot) => event.title
  || (snapshot.pattern_type ? t(`patternType.${snapshot.pattern_type}`) : t(`eventType.${event.event_type}`));

const adviceOf = (snapshot) => snapshot.recommended_actions || (snapshot.recommendation ? [snapshot.recommendation] : []);

function insightCard(event) {
  const snapshot = event.learning_snapshot || {};
  const title = titleOf(event, snapshot);
  const big = event.event_type === 'engagement_score' ? `${snapshot.overall_score}/100` : null;
  const actions = adviceOf(snapshot);
  return el('article', {className: `card insight ${event.event_type}`}, [
    el('h3', {text: title}),
    big && el('p', {className: 'big', text: big}),
    el('p', {text: event.insight_text || ''}),
    ...actions.slice(0, 3).map((a) => el('p', {className: 'muted', text: `→ ${a}`})),
    el('p', {className: 'muted small', text: t('insights.confidence', {value: formatPercent(Number(event.confidence || 0))})}),
  ]);
}

function renderHighValue(highValue) {
  const list = $('high-value-leads');
  list.replaceChildren(...highValue.filter((h) => h.lead).map((h) => el('li', {}, [
    el('a', {href: `#/lead/${encodeURIComponent(h.lead_id)}`, text: h.lead.name}),
    el('span', {className: 'muted', text: ` — ${t('insights.probability', {value: formatPercent(h.probability)})}`}),
  ])));
  if (!list.children.length) list.append(el('li', {className: 'muted', text: t('insights.noHighValue')}));
}

function urgencyTrendChart(trend, source, run) {
  const figure = $('chart-urgency'), snapshot = trend?.learning_snapshot, title = t('eventType.urgency_trend');
  if (!snapshot) return charts.empty(figure, title, t('insights.noData'));
  const noEarlier = snapshot.previous_high_urgency_pct == null;  // a first run: no week before
  const rows = [{label: t('insights.thisWeek'), value: snapshot.high_urgency_pct,
    text: formatPercent(snapshot.high_urgency_pct), kind: 'high'}];
  if (!noEarlier) {
    rows.push({label: t('insights.previousWeek'), value: snapshot.previous_high_urgency_pct,
      text: formatPercent(snapshot.previous_high_urgency_pct), kind: 'muted'});
  }
  charts.bars(figure, {title, source, max: 1, description: noEarlier ? t('insights.noEarlierWeek')
    : trend.insight_text || t('insights.urgencyTrendDesc', {date: formatDay(run.date)}),
  sections: [{heading: t(`insights.trend.${snapshot.trend}`), rows}]});
  appendAdvice(figure, snapshot);
}

/* A charted insight's advice (the urgency card carries the urgency pattern's), under its chart. */
function appendAdvice(figure, snapshot) {
  figure.append(...adviceOf(snapshot).slice(0, 3).map((a) => el('p', {className: 'muted', text: `→ ${a}`})));
}

function toneChart(distribution, source) {
  const shares = Object.entries(distribution?.learning_snapshot || {}).filter(([k]) => k !== 'run_date')
    .sort((a, b) => b[1] - a[1]);
  const figure = $('chart-tone');
  if (!shares.length) return charts.empty(figure, t('insights.tone'), t('insights.noData'));
  const tone = (name) => t(`tone.${name.charAt(0).toUpperCase()}${name.slice(1)}`);
  charts.bars(figure, {title: t('insights.tone'), description: distribution.insight_text || t('insights.toneDesc'),
    source, max: 1,
    sections: [{rows: shares.map(([name, share]) => ({label: tone(name), value: share, text: formatPercent(share)}))}]});
}

const totalLeads = (analytics) => analytics.leads_per_day.reduce((sum, d) => sum + d.count, 0);

function leadsPerDayChart(analytics, source) {
  const days = analytics.leads_per_day;
  charts.columns($('chart-leads-per-day'), {
    title: t('insights.leadsPerDay'), axisLabel: t('insights.leadsAxis'), source,
    description: t(totalLeads(analytics) === 1 ? 'insights.leadPerDayDesc' : 'insights.leadsPerDayDesc',
      {total: formatNumber(totalLeads(analytics)),
      from: formatDay(analytics.from), to: formatDay(analytics.to)}),
    points: days.map((d) => ({label: formatDay(d.date), short: formatDay(d.date, 'short'), value: d.count,
      text: formatNumber(d.count)})),
  });
}

function urgencyPeriodChart(analytics, source, live) {
  const byUrgency = analytics.by_urgency || {};
  charts.bars($('chart-urgency-period'), {title: t('insights.urgencyPeriod'), source,
    description: t('insights.urgencyPeriodDesc', live),
    sections: [{rows: values('urgency').map((u) => ({
      label: t(`urgency.${u}`), value: byUrgency[u]?.count || 0, kind: u === 'High' ? 'high' : '',
      text: `${formatNumber(byUrgency[u]?.count || 0)} (${formatPercent((byUrgency[u]?.percentage || 0) / 100)})`,
    }))}]});
}

/* The period's conversions against the period's leads: one source, so the rate agrees with both bars. */
function conversionsChart(analytics, source) {
  const count = analytics.conversions?.count || 0, leads = totalLeads(analytics);
  const value = formatMoney(analytics.conversions?.value);
  charts.bars($('chart-conversions'), {title: t('insights.conversions'), source,
    description: t(count === 1 ? 'insights.conversionDesc' : 'insights.conversionsDesc',
      {count: formatNumber(count), value, leads: formatNumber(leads),
      rate: formatPercent(analytics.conversion_rate || 0)}),
    sections: [{rows: [
      {label: t('insights.leads'), value: leads, text: formatNumber(leads), kind: 'muted'},
      {label: t('insights.converted'), value: count, text: `${formatNumber(count)} · ${value}`, kind: 'good'},
    ]}]});
}

/* A wait in minutes as a person says it: minutes under two hours, hours under two days, else days
   ("3 min", "4,5 h", "2,9 jours"), in the page's language. */
function duration(minutes) {
  const [value, unit] = minutes < 120 ? [minutes, 'minute'] : minutes < 2880 ? [minutes / 60, 'hour']
    : [minutes / 1440, 'day'];
  return formatNumber(value, {style: 'unit', unit, unitDisplay: unit === 'minute' ? 'short' : 'long',
    maximumFractionDigits: 1});
}

/* How fast leads were answered, and how much of the mail bounced, over the period shown (live). */
function firstResponse(analytics) {
  const figures = analytics.first_response || {};
  const minutes = (value) => (value == null ? t('insights.noAnswer') : duration(value));
  $('first-response-period').textContent = t('insights.period.range', {from: formatDay(analytics.from),
    to: formatDay(analytics.to)});
  renderFacts($('first-response-facts'), [
    ['insights.medianResponse', minutes(figures.median_minutes)],
    ['insights.p90Response', minutes(figures.p90_minutes)],
    ['insights.within5', formatPercent(figures.within_5_minutes || 0)],
    ['insights.bounceRate', formatNumber(analytics.bounce_rate || 0, {style: 'percent', maximumFractionDigits: 1})],
  ]);
}

export function bind() {
  $('analytics-days').addEventListener('change', () => open(false).catch(failed));
}
