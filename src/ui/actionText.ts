// The actions' one-sentence descriptions for tooltips, loaded after the first frame (a button's title is its label until then).
import { create } from 'zustand';
import { afterFirstFrame } from '../store/sim';

export const useActionText = create<{ text: Readonly<Record<string, string>> | null }>(() => ({ text: null }));

void afterFirstFrame()
  .then(() => import('./actionDescriptions'))
  .then((m) => useActionText.setState({ text: m.ACTION_DESCRIPTIONS }))
  .catch(() => {
    // No tooltips beyond the labels: nothing else depends on them.
  });
