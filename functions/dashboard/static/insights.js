/* The insights view: the latest nightly run's events as cards, four labelled charts (leads per day,
   urgency, tone, conversions) over the chosen period, and the leads most likely to convert. */
import {apiJson} from './api.js?v=__VERSION__';
import * as charts from './charts.js?v=__VERSION__';
import {$, el, failed, renderFacts} from './dom.js?v=__VERSION__';
import {formatDay, formatMoney, formatNumber, formatPercent, t} from './i18n.js?v=__VERSION__';
import {nextTicket, show, stale} from './page.js?v=__VERSION__';
import {values} from './vocabularies.js?v=__VERSION__';

let shown = null;  // {insights, analytics, highValue}
const period = () => $('analytics-days').value;

export async function open(focus) {
  const ticket = nextTicket();
  const [insights, analytics] = await Promise.all([apiJson('GET', '/api/insights'),
    apiJson('GET', `/api/analytics?days=${encodeURIComponent(period())}`)]);
  const prediction = insights.events.find((e) => e.event_type === 'conversion_prediction');
  const highValue = prediction?.learning_snapshot?.high_value_leads || [];
  const leads = await Promise.all(highValue.map((h) => apiJson('GET', `/api/leads/${h.lead_id}`).catch(() => null)));
  if (stale(ticket)) return;
  shown = {insights, analytics, highValue: highValue.map((h, i) => ({...h, lead: leads[i]?.lead}))};
  show('insights', focus, render);
}

function render() {
  const {insights, analytics, highValue} = shown;
  const latest = Object.fromEntries(insights.events.map((e) => [e.event_type, e]));
  $('insights-run').textContent = insights.run_date ? t('insights.run', {date: formatDay(insights.run_date, 'long')})
    : t('insights.noRun');
  const daily = values('dailyEvent');
  $('insight-cards').replaceChildren(...insights.events.filter((e) => daily.includes(e.event_type)).map(insightCard));
  leadsPerDayChart(analytics);
  urgencyChart(latest.urgency_trend, analytics);
  toneChart(latest.tone_distribution);
  conversionsChart(insights, analytics, latest.conversion_prediction);
  firstResponse(analytics);
  const list = $('high-value-leads');
  list.replaceChildren(...highValue.filter((h) => h.lead).map((h) => el('li', {}, [
    el('a', {href: `#/lead/${encodeURIComponent(h.lead_id)}`, text: h.lead.name}),
    el('span', {className: 'muted', text: ` — ${t('insights.probability', {value: formatPercent(h.probability)})}`}),
  ])));
  if (!list.children.length) list.append(el('li', {className: 'muted', text: t('insights.noHighValue')}));
}

function insightCard(event) {
  const snapshot = event.learning_snapshot || {};
  const extra = event.event_type === 'engagement_score' ? `${snapshot.overall_score}/100` : null;
  return el('article', {className: `card insight ${event.event_type}`}, [
    el('h2', {text: t(`eventType.${event.event_type}`)}),
    extra && el('p', {className: 'big', text: extra}),
    el('p', {text: event.insight_text || ''}),
    ...(snapshot.recommended_actions || []).slice(0, 3).map((a) => el('p', {className: 'muted', text: `→ ${a}`})),
    el('p', {className: 'muted small', text: t('insights.confidence', {value: formatPercent(Number(event.confidence || 0))})}),
  ]);
}

function leadsPerDayChart(analytics) {
  const days = analytics.leads_per_day;
  const total = days.reduce((sum, d) => sum + d.count, 0);
  charts.columns($('chart-leads-per-day'), {
    title: t('insights.leadsPerDay'), axisLabel: t('insights.leadsAxis'),
    description: t('insights.leadsPerDayDesc', {total: formatNumber(total), from: formatDay(analytics.from),
      to: formatDay(analytics.to)}),
    points: days.map((d) => ({label: formatDay(d.date), short: formatDay(d.date, 'short'), value: d.count,
      text: formatNumber(d.count)})),
  });
}

function urgencyChart(trend, analytics) {
  const figure = $('chart-urgency'), snapshot = trend?.learning_snapshot, byUrgency = analytics.by_urgency || {};
  const counts = {heading: t(`insights.days${period()}`), rows: values('urgency').map((u) => ({
    label: t(`urgency.${u}`), value: byUrgency[u]?.count || 0, kind: u === 'High' ? 'high' : '',
    text: `${formatNumber(byUrgency[u]?.count || 0)} (${formatPercent((byUrgency[u]?.percentage || 0) / 100)})`,
  }))};
  const options = {title: t('eventType.urgency_trend'), description: t('insights.urgencyTrendDesc')};
  if (!snapshot) return charts.bars(figure, {...options, sections: [counts]});
  const shares = {heading: `${t('insights.urgencyTrend')} (${t(`insights.trend.${snapshot.trend}`)})`, rows: [
    {label: t('insights.thisWeek'), value: snapshot.high_urgency_pct, text: formatPercent(snapshot.high_urgency_pct),
      kind: 'high'},
    {label: t('insights.previousWeek'), value: snapshot.previous_high_urgency_pct,
      text: formatPercent(snapshot.previous_high_urgency_pct), kind: 'muted'},
  ]};
  charts.bars(figure, {...options, sections: [shares], max: 1});
  appendSection(figure, [counts]);
}

/* A second bar group under the first, with its own scale (counts, not shares). */
function appendSection(figure, sections) {
  const holder = el('div');
  charts.bars(holder, {title: '', sections});
  const svg = holder.querySelector('svg');
  svg.setAttribute('aria-labelledby', `${figure.id}-title`);
  figure.append(svg);
}

function toneChart(distribution) {
  const shares = Object.entries(distribution?.learning_snapshot || {}).filter(([k]) => k !== 'run_date')
    .sort((a, b) => b[1] - a[1]);
  const figure = $('chart-tone');
  if (!shares.length) return charts.empty(figure, t('insights.tone'), t('insights.noData'));
  const tone = (name) => t(`tone.${name.charAt(0).toUpperCase()}${name.slice(1)}`);
  charts.bars(figure, {title: t('insights.tone'), description: t('insights.toneDesc'), max: 1,
    sections: [{rows: shares.map(([name, share]) => ({label: tone(name), value: share, text: formatPercent(share)}))}]});
}

/* How fast leads were answered, and how much of the mail bounced, over the period shown. */
function firstResponse(analytics) {
  const figures = analytics.first_response || {};
  const minutes = (value) => (value == null ? t('insights.noAnswer')
    : t('insights.minutes', {value: formatNumber(value, {maximumFractionDigits: 1})}));
  $('first-response-period').textContent = t('insights.period.range', {from: formatDay(analytics.from),
    to: formatDay(analytics.to)});
  renderFacts($('first-response-facts'), [
    ['insights.medianResponse', minutes(figures.median_minutes)],
    ['insights.p90Response', minutes(figures.p90_minutes)],
    ['insights.within5', formatPercent(figures.within_5_minutes || 0)],
    ['insights.bounceRate', formatNumber(analytics.bounce_rate || 0, {style: 'percent', maximumFractionDigits: 1})],
  ]);
}

function conversionsChart(insights, analytics, prediction) {
  const reverted = insights.events.filter((e) => e.event_type === 'reversion').length;
  const predicted = prediction?.learning_snapshot?.predicted_conversions ?? 0;
  const count = analytics.conversions?.count || 0;
  charts.bars($('chart-conversions'), {title: t('insights.conversions'),
    description: t('insights.conversionsDesc', {count: formatNumber(count), value: formatMoney(analytics.conversions?.value),
      rate: formatPercent(analytics.conversion_rate || 0), predicted: formatNumber(predicted)}),
    sections: [{rows: [
      {label: `${t('insights.converted')} (${t(`insights.in${period()}`)})`, value: count,
        text: `${formatNumber(count)} · ${formatMoney(analytics.conversions?.value)}`, kind: 'good'},
      {label: t('insights.reverted'), value: reverted, text: formatNumber(reverted), kind: 'muted'},
      {label: t('insights.predicted'), value: predicted, text: formatNumber(predicted), kind: 'predicted'},
    ]}]});
}

export function bind() {
  $('analytics-days').addEventListener('change', () => open(false).catch(failed));
}
