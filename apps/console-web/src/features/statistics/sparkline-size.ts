/** Height of a widget's sparkline; also of its placeholder while the chart's chunk loads (no layout shift). */
export const SPARKLINE_HEIGHT = 40;
