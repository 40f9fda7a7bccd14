import { BarChart, GaugeChart, LineChart } from 'echarts/charts';
import type { BarSeriesOption, GaugeSeriesOption, LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import type { GridComponentOption, LegendComponentOption, MarkLineComponentOption, TooltipComponentOption } from 'echarts/components';
import { init, use } from 'echarts/core';
import type { ComposeOption, ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';

/**
 * The console's one door to ECharts: only the dashboard imports this module, and only what its charts
 * draw is registered, so the chunk holds a fraction of the library and no other page downloads it.
 */
use([BarChart, GaugeChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<BarSeriesOption | GaugeSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | MarkLineComponentOption | TooltipComponentOption>;

/** The console's blue (App.tsx's colorPrimary) and a grey that keeps 4.5:1 on white for the axes' words. */
const BLUE = '#1565c0';
const ORANGE = '#b35c00';
const TEXT = 'rgba(0, 0, 0, 0.66)';
const FONT = { fontFamily: 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif' };

/** Whoever asked their system for less motion gets the charts drawn at once. */
const animated = () => !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

/**
 * One chart: a picture to a screen reader (role img, its summary as the label; the page shows the same
 * numbers in a table), redrawn when its option changes, resized with the window, disposed on unmount.
 */
function Chart({ option, label, height, width = '100%' }: { option: Option; label: string; height: number; width?: number | string }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    const drawn = init(element.current!, undefined, { renderer: 'canvas' });
    chart.current = drawn;
    const resize = () => drawn.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current = null;
      drawn.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ animation: animated(), textStyle: FONT, ...option }, { notMerge: true });
  }, [option]);
  return <div ref={element} role="img" aria-label={label} style={{ width, height }} />;
}

/** A cycle's projects per stage, top to bottom in the lifecycle's order. */
export function StageFunnel({ stages, label, seriesName }: { stages: readonly { name: string; count: number }[]; label: string; seriesName: string }) {
  const option = useMemo<Option>(
    () => ({
      grid: { left: 8, right: 48, top: 8, bottom: 8 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { color: TEXT } },
      yAxis: { type: 'category', inverse: true, data: stages.map((s) => s.name), axisLabel: { color: TEXT, width: 200, overflow: 'truncate' } },
      series: [{ type: 'bar', name: seriesName, data: stages.map((s) => s.count), itemStyle: { color: BLUE }, barMaxWidth: 22, label: { show: true, position: 'right', color: '#000' } }],
    }),
    [stages, seriesName],
  );
  return <Chart option={option} label={label} height={Math.max(120, 32 * stages.length + 24)} />;
}

/** A quota's places taken of all it has, as a gauge. */
export function QuotaGauge({ name, quota, taken, label }: { name: string; quota: number; taken: number; label: string }) {
  const option = useMemo<Option>(
    () => ({
      series: [
        {
          type: 'gauge',
          min: 0,
          // A quota of none still draws an empty dial.
          max: Math.max(quota, 1),
          startAngle: 215,
          endAngle: -35,
          radius: '88%',
          center: ['50%', '55%'],
          // A dial of places, read by its words in the middle: no needle, ticks or scale to crowd them.
          pointer: { show: false },
          progress: { show: true, width: 16, roundCap: true, itemStyle: { color: BLUE } },
          axisLine: { roundCap: true, lineStyle: { width: 16, color: [[1, '#e3e8ef']] } },
          axisTick: { show: false },
          splitLine: { show: false },
          axisLabel: { show: false },
          title: { offsetCenter: [0, '62%'], color: '#000', fontSize: 14 },
          detail: { offsetCenter: [0, '0%'], valueAnimation: animated(), fontSize: 22, fontWeight: 'bold', color: '#000', formatter: () => `${taken} / ${quota}` },
          data: [{ value: taken, name }],
        },
      ],
    }),
    [name, quota, taken],
  );
  return <Chart option={option} label={label} height={220} width={240} />;
}

/** A program's batches: each one's approved projects, the running total, and the target as a line. */
export function TargetChart({
  batches,
  target,
  label,
  names,
}: {
  batches: readonly { name: string; approved: number; soFar: number }[];
  target: number | null;
  label: string;
  names: { approved: string; soFar: string; target: string };
}) {
  const option = useMemo<Option>(
    () => ({
      grid: { left: 8, right: 24, top: 40, bottom: 8 },
      legend: { top: 0, textStyle: { color: TEXT } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: batches.map((b) => b.name), axisLabel: { color: TEXT } },
      // The target's line stays in view, however few are approved yet.
      yAxis: { type: 'value', minInterval: 1, max: target === null ? undefined : (extent: { max: number }) => Math.max(extent.max, target), axisLabel: { color: TEXT } },
      series: [
        {
          type: 'bar',
          name: names.approved,
          data: batches.map((b) => b.approved),
          itemStyle: { color: BLUE },
          barMaxWidth: 48,
          label: { show: true, position: 'top', color: '#000' },
          ...(target === null
            ? {}
            : { markLine: { symbol: 'none', silent: true, lineStyle: { color: ORANGE, type: 'dashed', width: 2 }, label: { formatter: `${names.target} ${target}`, color: ORANGE, position: 'insideEndTop' }, data: [{ yAxis: target }] } }),
        },
        { type: 'line', name: names.soFar, data: batches.map((b) => b.soFar), itemStyle: { color: ORANGE }, lineStyle: { color: ORANGE, width: 2 }, symbolSize: 8 },
      ],
    }),
    [batches, target, names],
  );
  return <Chart option={option} label={label} height={300} />;
}
