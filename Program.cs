using var http = new HttpClient();
var r = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:29999/x"); r.Content = new ByteArrayContent(new byte[5]); r.Headers.TransferEncodingChunked = true;
Console.WriteLine((await http.SendAsync(r)).StatusCode);
