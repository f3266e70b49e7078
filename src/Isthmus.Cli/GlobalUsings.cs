// Namespaces nearly every command uses; a file names only what is particular to it.
global using System.CommandLine;
global using System.Globalization;
global using System.Text.Json.Nodes;
global using Isthmus.Landscape;
global using Isthmus.Methods;
global using Isthmus.Reporting;
global using Isthmus.Runs;
global using Isthmus.Storage;
global using Isthmus.Studies;
global using Spectre.Console;
