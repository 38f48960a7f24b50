// Times the seeks a learner makes (a press on the timeline, a key) from the input event to the frame that shows the new state, in parts (the perf test reads them; loaded on demand).
import { frameTimes, getDriver, isBusy, seekWork } from '../store/sim';

/** One seek made by an input event, wall ms. `total` runs from the event to the end of the browser's rendering of the frame that shows it. */
export interface InputSeek {
  total: number;
  /** From the event to its first listener: the browser's queue (a frame or task still running). */
  input: number;
  /** The engine's restore and replay. */
  engine: number;
  /** The store's refresh after it (node views, metrics, marks…). */
  store: number;
  /** The rest of the event's handling: React's render and commit of the new state, the handlers' own work. */
  react: number;
  /** The wait for the next animation frame (vsync), and for the slices of a long seek. */
  wait: number;
  /** The app's own work in that frame (simulation + cluster drawing). */
  frame: number;
  /** The browser's style, layout, paint and commit of that frame. */
  render: number;
  /** Engine events the seek replayed after the checkpoint it restored (none when it came back to a kept moment). */
  replayed: number;
}

const seeks: InputSeek[] = [];
let watching = false;

/** Starts timing every pointer press and key press that seeks (the timeline seeks on press; idempotent); returns the list it fills. */
export function watchInputSeeks(): InputSeek[] {
  if (watching) return seeks;
  watching = true;
  let began: { at: number; start: number; seeks: number; handled: number; worked: number } | null = null;
  const first = (e: Event): void => {
    seekWork.engine = 0;
    seekWork.store = 0;
    const b = { at: e.timeStamp, start: performance.now(), seeks: seekWork.seeks, handled: NaN, worked: 0 };
    began = b;
    // Registered now, it runs in the next frame, after the app loop's callback (registered a frame earlier) has drawn it.
    const shown = (): void => {
      if (isBusy()) {
        requestAnimationFrame(shown);
        return;
      }
      if (began === b) began = null;
      if (seekWork.seeks === b.seeks) return;
      const drawn = performance.now();
      // (Less the last slice of a long seek, when the frame ran one: that is the engine's and the store's.)
      const frame = Math.max(0, (frameTimes().at(-1) ?? 0) - seekWork.inFrame);
      const engine = seekWork.engine;
      const store = seekWork.store;
      const replayed = getDriver().lastAdvanceEvents;
      const ch = new MessageChannel();
      // A task posted from a frame's callbacks runs once the browser has rendered that frame.
      ch.port1.onmessage = () => {
        const end = performance.now();
        const input = b.start - b.at;
        // (A long seek goes on in later frames: only the engine's and store's work done in the handler is taken out here.)
        const react = Math.max(0, (Number.isNaN(b.handled) ? b.start : b.handled) - b.start - b.worked);
        const render = end - drawn;
        const total = end - b.at;
        seeks.push({ total, input, engine, store, react, frame, render, wait: total - input - engine - store - react - frame - render, replayed });
      };
      ch.port2.postMessage(0);
    };
    requestAnimationFrame(shown);
  };
  // Bubbling listeners run after React's (on its root; a handler that stops propagation stops it at the root, not
  // before the root's later listeners) and after the microtask React renders in; the window's after global shortcuts.
  const handled = (): void => {
    if (began === null) return;
    began.handled = performance.now();
    began.worked = seekWork.engine + seekWork.store;
  };
  const root = document.getElementById('root');
  for (const type of ['pointerdown', 'keydown']) {
    window.addEventListener(type, first, true);
    root?.addEventListener(type, handled, false);
    window.addEventListener(type, handled, false);
  }
  return seeks;
}
