// Line and bar charts on Chart.js (canvas, tooltips built in), registered piecemeal so
// only what is used is bundled. Each chart is a <figure> with a caption and, for screen
// readers, the same numbers as a table inside the canvas.

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';
import { useI18n } from '../i18n/I18nProvider';
import { dayAxis, dayZone, zoneTime } from '../lib/days';

ChartJS.register(
  CategoryScale,
  LinearScale,
  PointElement,
  LineElement,
  BarElement,
  LineController,
  BarController,
  Tooltip,
  Legend,
  Filler,
);
ChartJS.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
ChartJS.defaults.color = '#3d4451';

/** Colour-blind-safe palette (Okabe–Ito, darkened for contrast on white). */
export const PALETTE = ['#0b63b5', '#c45100', '#13795b', '#a4317d', '#6b5e00', '#4b4f9e'];

export interface Series {
  label: string;
  data: number[];
  color?: string;
  /**
   * 'y1': its own axis on the right (e.g. failures, much smaller than the totals, which on
   * the shared axis would lie flat on zero over the other lines).
   */
  axis?: 'y' | 'y1';
}

interface ChartProps {
  title: string;
  labels: string[];
  series: Series[];
  testId: string;
  height?: number;
  horizontal?: boolean;
  formatValue?: (v: number) => string;
  /** Labels of the value axis (e.g. compact money); plain numbers when absent. */
  formatTick?: (v: number) => string;
}

type LineChartProps = Omit<ChartProps, 'labels' | 'horizontal'> &
  (
    | { labels: string[]; days?: undefined; timeZone?: undefined; levels?: undefined }
    | {
        labels?: undefined;
        /**
         * The days (`YYYY-MM-DD`, dates of `timeZone`) instead of `labels`: the axis then says
         * "Dia (America/Sao_Paulo)" and today's partial last day (today in that zone) is drawn
         * dashed and lighter, labelled "hoje, até 14:05" (the time there).
         */
        days: string[];
        /** The IANA zone the days are dates of (the answer's `time_zone`); 'UTC' when absent. */
        timeZone: string | undefined;
        /** The values are levels (MRR on that day), not sums over it: today is not partial. */
        levels?: boolean;
      }
  );

function DataTable({ title, labels, series, formatValue }: Omit<ChartProps, 'testId'>) {
  const fmt = formatValue ?? ((v: number) => String(v));
  return (
    <table>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col"></th>
          {series.map((s) => (
            <th scope="col" key={s.label}>
              {s.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {labels.map((l, i) => (
          <tr key={l + i}>
            <th scope="row">{l}</th>
            {series.map((s) => (
              <td key={s.label}>{fmt(s.data[i] ?? 0)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function baseOptions(locale: string, formatValue?: (v: number) => string): ChartOptions<'line' | 'bar'> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    locale,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 12 } },
      tooltip: formatValue
        ? {
            callbacks: {
              label: (ctx) => `${ctx.dataset.label}: ${formatValue(Number(ctx.parsed.y ?? ctx.parsed.x ?? 0))}`,
            },
          }
        : {},
    },
  };
}

/** A colour at `alpha` (0–1) of a `#rrggbb`. */
function fade(hex: string, alpha: number): string {
  return (
    hex +
    Math.round(alpha * 255)
      .toString(16)
      .padStart(2, '0')
  );
}

/**
 * The datasets of a line chart. Pure (and exported) for the tests: a series on 'y1' gets the
 * right-hand axis and is drawn under the others; the segment into `partialIndex` (today,
 * still filling) is dashed and faded, and its point hollow.
 */
export function lineDatasets(series: Series[], pointCount: number, partialIndex: number | null = null) {
  const partial = (i: number) => partialIndex !== null && i === partialIndex;
  return series.map((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    return {
      label: s.label,
      data: s.data,
      yAxisID: s.axis ?? 'y',
      order: s.axis === 'y1' ? 1 : 0,
      borderColor: color,
      backgroundColor: fade(color, 0.13),
      fill: i === 0,
      tension: 0.25,
      pointRadius: pointCount > 40 ? (ctx: { dataIndex: number }) => (partial(ctx.dataIndex) ? 3 : 0) : 2,
      pointBackgroundColor: (ctx: { dataIndex: number }) => (partial(ctx.dataIndex) ? '#ffffff' : color),
      pointBorderColor: (ctx: { dataIndex: number }) => (partial(ctx.dataIndex) ? fade(color, 0.55) : color),
      borderWidth: s.axis === 'y1' ? 1.5 : 2,
      segment: {
        borderDash: (ctx: { p1DataIndex: number }) => (partial(ctx.p1DataIndex) ? [6, 4] : undefined),
        borderColor: (ctx: { p1DataIndex: number }) => (partial(ctx.p1DataIndex) ? fade(color, 0.55) : undefined),
        backgroundColor: (ctx: { p1DataIndex: number }) => (partial(ctx.p1DataIndex) ? fade(color, 0.05) : undefined),
      },
    };
  });
}

export function LineChart({
  title,
  labels: given,
  days,
  timeZone,
  levels,
  series,
  testId,
  height = 260,
  formatValue,
  formatTick,
}: LineChartProps) {
  const { t, locale, lang } = useI18n();
  const now = new Date();
  const zone = dayZone(timeZone);
  const axis = days ? dayAxis(days, lang, zone, now, !levels) : { labels: given ?? [], partialIndex: null };
  const labels = axis.labels;
  const options = baseOptions(locale, formatValue) as ChartOptions<'line'>;
  const ticks = (f?: (v: number) => string) => ({
    precision: 0,
    ...(f ? { callback: (v: string | number) => f(Number(v)) } : {}),
  });
  const right = series.filter((s) => s.axis === 'y1');
  options.scales = {
    y: { beginAtZero: true, ticks: ticks(formatTick) },
    x: {
      ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 },
      ...(days ? { title: { display: true, text: t('chart.dayIn', { zone }) } } : {}),
    },
  };
  if (right.length) {
    const left = series.filter((s) => s.axis !== 'y1');
    options.scales.y = { ...options.scales.y, title: { display: true, text: left.map((s) => s.label).join(' · ') } };
    options.scales.y1 = {
      position: 'right',
      beginAtZero: true,
      grid: { drawOnChartArea: false },
      ticks: ticks(formatTick),
      title: { display: true, text: right.map((s) => s.label).join(' · '), color: right[0].color ?? '#3d4451' },
    };
  }
  const data = { labels, datasets: lineDatasets(series, labels.length, axis.partialIndex) };
  const note = days
    ? axis.partialIndex !== null
      ? t('chart.partialNote', { zone, time: zoneTime(now, lang, zone) })
      : t('chart.zoneNote', { zone })
    : null;
  return (
    <figure
      className="chart"
      data-testid={testId}
      data-points={labels.length}
      data-time-zone={days ? zone : undefined}
      data-partial={axis.partialIndex !== null ? labels[axis.partialIndex] : undefined}
      data-right-axis={right.length ? right.map((s) => s.label).join(',') : undefined}
    >
      <figcaption>{title}</figcaption>
      <div className="chart-canvas" style={{ height }}>
        <Line
          data={data}
          options={options}
          role="img"
          aria-label={note ? `${title}. ${note}` : title}
          fallbackContent={<DataTable title={title} labels={labels} series={series} formatValue={formatValue} />}
        />
      </div>
      {note ? (
        <p className="chart-note muted small" data-testid={`${testId}-note`}>
          {note}
        </p>
      ) : null}
    </figure>
  );
}

export function BarChart({
  title,
  labels,
  series,
  testId,
  height = 260,
  horizontal,
  formatValue,
  formatTick,
}: ChartProps) {
  const { locale } = useI18n();
  const options = baseOptions(locale, formatValue) as ChartOptions<'bar'>;
  options.indexAxis = horizontal ? 'y' : 'x';
  const valueAxis = horizontal ? 'x' : 'y';
  options.scales = {
    [valueAxis]: {
      beginAtZero: true,
      ...(formatTick ? { ticks: { callback: (v: string | number) => formatTick(Number(v)) } } : {}),
    },
  };
  if (horizontal) {
    // Long agent names would be cut at the canvas edge on phones: shorten them (the tooltip
    // and the table inside the canvas keep the full name).
    options.scales.y = {
      ticks: {
        callback: function (this: { chart: { width: number } }, v: string | number) {
          const l = labels[Number(v)] ?? String(v);
          const max = this.chart.width < 480 ? 20 : 40;
          return l.length > max ? `${l.slice(0, max - 1).trimEnd()}…` : l;
        },
      },
    };
  }
  if (horizontal && options.plugins?.tooltip && formatValue) {
    options.plugins.tooltip = {
      callbacks: { label: (ctx) => `${ctx.dataset.label}: ${formatValue(Number(ctx.parsed.x ?? 0))}` },
    };
  }
  const data = {
    labels,
    datasets: series.map((s, i) => ({
      label: s.label,
      data: s.data,
      backgroundColor: s.color ?? PALETTE[i % PALETTE.length],
      borderRadius: 3,
      maxBarThickness: 36,
    })),
  };
  return (
    <figure className="chart" data-testid={testId} data-points={labels.length}>
      <figcaption>{title}</figcaption>
      <div className="chart-canvas" style={{ height }}>
        <Bar
          data={data}
          options={options}
          role="img"
          aria-label={title}
          fallbackContent={<DataTable title={title} labels={labels} series={series} formatValue={formatValue} />}
        />
      </div>
    </figure>
  );
}
