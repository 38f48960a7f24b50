// The first screen's door to the branch tree (store/branches.ts): headless it is there at once; in the page it loads with the engine (before the engine nothing can fork), so the first frame does without it.
import { loadWithEngine } from './sim';
import './branchesEager';

loadWithEngine(() => import('./branches'));
