// Loads the YAML parser with the module that imports this one (the headless API, the config panel, the guides).
import { parseDocument, stringify } from 'yaml';
import { setYaml } from './yaml';

setYaml({ parseDocument, stringify });
