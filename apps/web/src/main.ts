import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './ui/app.ts';

/**
 * Entry point. Whatever goes wrong while starting, the page says so in words (never a blank page):
 * a bad link is handled by the URL parser; this catches everything else.
 */
function fail(root: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  root.innerHTML = '';
  const box = document.createElement('section');
  box.className = 'fatal';
  box.setAttribute('role', 'alert');
  box.dataset['testid'] = 'fatal';
  const title = document.createElement('h2');
  title.textContent = 'Ridgeline could not start';
  const text = document.createElement('p');
  text.textContent = message;
  const reset = document.createElement('a');
  reset.href = location.pathname;
  reset.textContent = 'Open the default page';
  box.append(title, text, reset);
  root.append(box);
}

const root = document.getElementById('app');
if (root !== null) {
  try {
    const app = new App(root);
    (window as unknown as { ridgeline?: App }).ridgeline = app;
  } catch (error) {
    console.error(error);
    fail(root, error);
  }
}
