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

ChartJS.register(CategoryScale, LinearScale, PointElement, LineElement, BarElement, LineController, BarController, Tooltip, Legend, Filler);
ChartJS.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
ChartJS.defaults.color = '#3d4451';

/** Colour-blind-safe palette (Okabe–Ito, darkened for contrast on white). */
export const PALETTE = ['#0b63b5', '#c45100', '#13795b', '#a4317d', '#6b5e00', '#4b4f9e'];

export interface Series {
  label: string;
  data: number[];
  color?: string;
  /** For bar charts only: draw on a second axis (e.g. success %). */
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
        ? { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${formatValue(Number(ctx.parsed.y ?? ctx.parsed.x ?? 0))}` } }
        : {},
    },
  };
}

export function LineChart({ title, labels, series, testId, height = 260, formatValue, formatTick }: ChartProps) {
  const { locale } = useI18n();
  const options = baseOptions(locale, formatValue) as ChartOptions<'line'>;
  options.scales = {
    y: { beginAtZero: true, ticks: { precision: 0, ...(formatTick ? { callback: (v: string | number) => formatTick(Number(v)) } : {}) } }, x: { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } } };
  const data = {
    labels,
    datasets: series.map((s, i) => ({
      label: s.label,
      data: s.data,
      borderColor: s.color ?? PALETTE[i % PALETTE.length],
      backgroundColor: (s.color ?? PALETTE[i % PALETTE.length]) + '22',
      fill: i === 0,
      tension: 0.25,
      pointRadius: labels.length > 40 ? 0 : 2,
      borderWidth: 2,
    })),
  };
  return (
    <figure className="chart" data-testid={testId} data-points={labels.length}>
      <figcaption>{title}</figcaption>
      <div className="chart-canvas" style={{ height }}>
        <Line
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

export function BarChart({ title, labels, series, testId, height = 260, horizontal, formatValue, formatTick }: ChartProps) {
  const { locale } = useI18n();
  const options = baseOptions(locale, formatValue) as ChartOptions<'bar'>;
  options.indexAxis = horizontal ? 'y' : 'x';
  const valueAxis = horizontal ? 'x' : 'y';
  options.scales = {
    [valueAxis]: { beginAtZero: true, ...(formatTick ? { ticks: { callback: (v: string | number) => formatTick(Number(v)) } } : {}) },
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
