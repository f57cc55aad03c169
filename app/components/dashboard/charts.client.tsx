import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";
import { useEffect, useRef } from "react";

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  colour: string;
}

export interface ChartProps {
  kind: "bar" | "line";
  labels: string[];
  series: ChartSeries[];
  /** y values are shares (0–1), shown as percent */
  percent?: boolean;
  /** describes the chart for screen readers; the data is in the table beside it */
  summary: string;
}

/** One Chart.js chart on a canvas; rebuilt when the data changes. */
export function DashboardChart({ kind, labels, series, percent = false, summary }: ChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: kind,
      data: {
        labels,
        datasets: series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.colour, borderColor: s.colour, tension: 0.2, spanGaps: true })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: "de-DE",
        plugins: { legend: { display: series.length > 1, position: "bottom" } },
        scales: {
          y: {
            beginAtZero: true,
            ticks: percent ? { callback: (v) => `${Math.round(Number(v) * 100)} %` } : { precision: 0 },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [kind, labels, series, percent]);
  return (
    <div className="dashboard-chart">
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
