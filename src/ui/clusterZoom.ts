// d3's zoom behaviour as a loadable part, with d3-selection that drives it: they bring d3-transition, d3-interpolate and d3-color (~18 KB gzip), which the first frame does not need.
export { select, zoom, zoomIdentity } from 'd3';
