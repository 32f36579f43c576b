/** Browser entry: mounts the Shoal app. */
import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';
import { registerServiceWorker } from './pwa/register-service-worker';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks the #app element');
mount(App, { target });
registerServiceWorker();
