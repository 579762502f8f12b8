window.YTD.like.part0 = [
  {
    "like" : {
      "tweetId" : "1599999999999999999",
      "fullText" : "a liked tweet is not a tweet of this account",
      "expandedUrl" : "https://twitter.com/i/web/status/1599999999999999999"
    }
  }
]
