// Framework namespaces used across the library. The library's own namespaces stay explicit in each file, so that the
// one-way dependency between its folders can be read (and is checked) from each file's using lines.
global using System.Globalization;
global using System.Text.Json;
global using System.Text.Json.Nodes;
global using TorchSharp;
global using static TorchSharp.torch;
