/* Small labelled SVG charts for the insights view: horizontal bars and a column series.
   Every label is set with textContent; the SVG scales to its container (phone or desktop). */

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 360;

function node(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/* The figure's caption (a heading, where its figures come from, and a sentence) and an empty SVG
   labelled by them. */
function frame(figure, title, description, height, source) {
  figure.replaceChildren();
  const id = figure.id || 'chart';
  const caption = document.createElement('figcaption');
  const heading = document.createElement('h3');
  heading.id = `${id}-title`;
  heading.textContent = title;
  const sentence = document.createElement('p');
  sentence.id = `${id}-desc`;
  sentence.className = 'muted';
  sentence.textContent = description || '';
  caption.append(heading);
  if (source) {
    const origin = document.createElement('p');
    origin.className = 'source small';
    origin.textContent = source;
    caption.append(origin);
  }
  caption.append(sentence);
  const svg = node('svg', {viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', class: 'chart-svg',
    'aria-labelledby': `${id}-title ${id}-desc`, preserveAspectRatio: 'xMinYMin meet'});
  figure.append(caption, svg);
  return svg;
}

export function empty(figure, title, message) {
  frame(figure, title, message, 0, null).remove();
}

/* sections: [{heading?, rows: [{label, value, text, kind?}]}]; each row is a label line, then a bar
   whose length is value / max and the row's text (the value as a person reads it) after it. */
export function bars(figure, {title, description, sections, max, source}) {
  const rows = sections.flatMap((section) => section.rows);
  const top = max || Math.max(1e-9, ...rows.map((row) => row.value));
  const height = rows.length * 40 + sections.filter((s) => s.heading).length * 24 + 4;
  const svg = frame(figure, title, description, height, source);
  let y = 4;
  for (const section of sections) {
    if (section.heading) {
      svg.append(node('text', {x: 0, y: y + 14, class: 'chart-heading'}, section.heading));
      y += 24;
    }
    for (const row of section.rows) {
      const length = Math.max(row.value > 0 ? 2 : 0, (row.value / top) * (WIDTH - 90));
      svg.append(node('text', {x: 0, y: y + 12, class: 'chart-label'}, row.label));
      const bar = node('rect', {x: 0, y: y + 17, width: length, height: 14, rx: 2,
        class: `chart-bar ${row.kind || ''}`.trim()});
      bar.append(node('title', {}, `${row.label}: ${row.text}`));
      svg.append(bar, node('text', {x: length + 6, y: y + 29, class: 'chart-value'}, row.text));
      y += 40;
    }
  }
  return svg;
}

/* points: [{label, short, value, text}] in order (days); every `tick`-th point is labelled on the axis. */
export function columns(figure, {title, description, points, axisLabel, source}) {
  const height = 190, left = 34, bottom = 150, plot = bottom - 16;
  const svg = frame(figure, title, description, height, source);
  const top = Math.max(1, ...points.map((p) => p.value));
  const step = (WIDTH - left - 4) / Math.max(1, points.length);
  const tick = Math.max(1, Math.ceil(points.length / 6));
  svg.append(node('line', {x1: left, y1: bottom, x2: WIDTH, y2: bottom, class: 'chart-axis'}),
    node('text', {x: left - 4, y: bottom - plot + 10, class: 'chart-value end'}, String(top)),
    node('text', {x: left - 4, y: bottom, class: 'chart-value end'}, '0'),
    node('text', {x: 0, y: 12, class: 'chart-value'}, axisLabel || ''));
  points.forEach((point, index) => {
    const barHeight = (point.value / top) * plot;
    const x = left + index * step;
    const bar = node('rect', {x: x + step * 0.15, y: bottom - barHeight, width: Math.max(1, step * 0.7),
      height: barHeight, class: 'chart-bar'});
    bar.append(node('title', {}, `${point.label}: ${point.text}`));
    svg.append(bar);
    if (index % tick === 0) {
      svg.append(node('text', {x: x + step / 2, y: bottom + 16, class: 'chart-tick'}, point.short));
    }
  });
  return svg;
}
