import { describe, expect, it } from 'vitest';
import {
  barChart,
  barChartHeight,
  escapeXml,
  linearTicks,
  lineChart,
  logTicks,
  makeScale,
  smallMultiples,
  smallMultiplesHeight,
} from '../src/report/plot-svg.js';

describe('axis ticks', () => {
  it('linear ticks step by 1, 2 or 5 times a power of ten and cover the range', () => {
    expect(linearTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(linearTicks(0, 7)).toEqual([0, 2, 4, 6, 8]);
    expect(linearTicks(0.1, 0.33)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    const flat = linearTicks(5, 5);
    expect(flat[0]).toBeLessThanOrEqual(5);
    expect(flat[flat.length - 1]).toBeGreaterThanOrEqual(5);
  });

  it('log ticks are powers of ten around the data, with 2 and 5 on a narrow range', () => {
    expect(logTicks(16, 1_048_576)).toEqual([10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000]);
    expect(logTicks(30, 700)).toEqual([20, 50, 100, 200, 500, 1000]);
    expect(() => logTicks(0, 10)).toThrow(RangeError);
  });

  it('scales map the first and last tick onto the pixel range', () => {
    const linear = makeScale([3, 97], { label: '' }, 0, 500);
    expect(linear(0)).toBe(0);
    expect(linear(100)).toBe(500);
    expect(linear(50)).toBe(250);
    const given = makeScale([20, 900], { label: '', log: true, ticks: [1024, 16, 256] }, 0, 300);
    expect(given.ticks).toEqual([16, 256, 1024]);
    expect(given(16)).toBe(0);
    expect(given(1024)).toBe(300);
    expect(given(128)).toBeCloseTo(150, 9);
    const log = makeScale([10, 1000], { label: '', log: true }, 100, 400);
    expect(log(10)).toBe(100);
    expect(log(100)).toBeCloseTo(250, 9);
    expect(log(1000)).toBe(400);
  });
});

describe('charts', () => {
  it('escapes text', () => {
    expect(escapeXml('a < b & "c" > d')).toBe('a &lt; b &amp; &quot;c&quot; &gt; d');
  });

  it('draws one path and one legend entry per series, markers per point', () => {
    const svg = lineChart({
      title: 'T <1>',
      width: 800,
      height: 400,
      x: { label: 'size', log: true },
      y: { label: 'MB/s', log: true },
      series: [
        {
          name: 'a',
          color: '#f00',
          points: [
            [16, 1],
            [256, 10],
            [4096, 100],
          ],
        },
        {
          name: 'b',
          color: '#00f',
          points: [
            [16, 2],
            [256, 5],
          ],
        },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400"')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg).toContain('T &lt;1&gt;');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('draws bars in proportion on a linear axis from 0', () => {
    const options = {
      title: 'bars',
      width: 900,
      groups: [
        {
          label: 'g',
          bars: [
            { name: 'x', value: 50, color: '#111' },
            { name: 'y', value: 100, color: '#222' },
          ],
        },
      ],
      value: { label: 'v' },
    };
    const svg = barChart(options);
    expect(svg).toContain(`height="${barChartHeight(options)}"`);
    const widths = [...svg.matchAll(/<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="14"/g)].map((m) =>
      Number(m[1]),
    );
    expect(widths).toHaveLength(2);
    expect(widths[1]! / widths[0]!).toBeCloseTo(2, 1);
  });
});

describe('small multiples', () => {
  const panel = (title: string, maxT: number, level: number) => ({
    title,
    series: [
      {
        name: title,
        color: '#123456',
        markers: false,
        points: [
          [0, 0],
          [maxT, level],
        ] as [number, number][],
      },
    ],
  });

  it('draws one titled panel per subject in a grid, rows as the columns require', () => {
    const options = {
      title: 'CPU',
      width: 960,
      columns: 3,
      panelHeight: 180,
      x: { label: 't' },
      y: { label: 'cpu', include: 0 },
      panels: [panel('a', 2, 50), panel('b', 2, 80), panel('c', 60, 100), panel('d', 3, 40)],
    };
    const svg = smallMultiples(options);
    expect(smallMultiplesHeight(options)).toBe(44 + 2 * 180 + 52);
    expect(svg).toContain(`height="${smallMultiplesHeight(options)}"`);
    expect(svg.match(/<path /g)).toHaveLength(4);
    expect(svg.match(/font-weight="bold" fill="#222">[a-d]</g)).toHaveLength(4);
  });

  it('shares one y scale (every panel has the same y ticks) while each x axis fits its own subject', () => {
    const svg = smallMultiples({
      title: 'CPU',
      width: 960,
      x: { label: 't' },
      y: { label: 'cpu', include: 0 },
      panels: [panel('fast', 2, 50), panel('slow', 60, 100)],
    });
    const yTicks = [...svg.matchAll(/text-anchor="end" fill="#444">([^<]+)</g)].map((m) => m[1]);
    // 0..100 in steps of 20, once per panel.
    expect(yTicks).toEqual(['0', '20', '40', '60', '80', '100', '0', '20', '40', '60', '80', '100']);
    const xTicks = [...svg.matchAll(/text-anchor="middle" fill="#444">([^<]+)</g)].map((m) => Number(m[1]));
    expect(Math.max(...xTicks)).toBe(60);
    expect(xTicks).toContain(2);
    expect(xTicks.indexOf(60)).toBeGreaterThan(xTicks.lastIndexOf(2));
  });
});
