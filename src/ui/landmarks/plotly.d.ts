// The partial bundle ships no types; its API is plotly.js's.
declare module 'plotly.js-gl3d-dist-min' {
  import Plotly from 'plotly.js';
  export default Plotly;
}
