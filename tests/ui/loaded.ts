// For views that load on first use (React.lazy): a findBy… sees the DOM as soon as React commits it, but the
// new tree's passive effects (its store subscriptions) may run a moment later on a busy machine; a click or a
// store change in that moment reaches no subscriber and the view keeps its old text. `loaded` waits for them.
import { act } from '@testing-library/react';

export async function loaded<T>(found: Promise<T>): Promise<T> {
  const el = await found;
  await act(async () => {});
  return el;
}
