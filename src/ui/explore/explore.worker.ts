// The explorer's Web Worker: runs one exploration off the page's thread and posts progress; the page stops it by terminating it.
import { explore, type Report, type StartMessage } from './protocol';

const post = (r: Report): void => (self as unknown as Worker).postMessage(r);

self.onmessage = (e: MessageEvent<StartMessage>) => {
  if (e.data?.type !== 'start') return;
  void explore(e.data, post, () => new Promise((resolve) => setTimeout(resolve, 0)), () => performance.now());
};
