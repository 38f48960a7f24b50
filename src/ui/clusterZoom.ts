// d3's zoom behaviour as a loadable part: it brings d3-transition, d3-interpolate and d3-color (~14 KB gzip), which the first frame does not need.
export { zoom, zoomIdentity } from 'd3';
