// Namespaces nearly every report file uses; a file names only what is particular to it.
global using System.Globalization;
global using System.Text.Json.Nodes;
global using Isthmus.Methods;
global using Isthmus.Runs;
global using Isthmus.Storage;
global using ScottPlot;
