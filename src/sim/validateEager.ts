// Loads the zod option validator with the module that imports this one (the headless API, and the page's parts that take options from outside).
import { validateNetworkChange, validateOptions } from './options';
import { setValidator } from './validate';

setValidator({ validateOptions, validateNetworkChange });
