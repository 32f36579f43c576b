// simple-peer's browser bundle (its main entry needs Node built-ins that Vite does not provide).
declare module 'simple-peer/simplepeer.min.js' {
  import SimplePeer from 'simple-peer';
  export default SimplePeer;
}
