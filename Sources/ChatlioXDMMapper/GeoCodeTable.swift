// Generated from ISO 3166 (English short, common and official names, plus the names GeoIP
// databases use), with top-level subdivisions of the countries Chatlio traffic most often names.
// Kept as text parsed once on first use: a dictionary literal this size slows the compiler down.
// Format per line: C|alpha-2|lower-cased country name, or S|ISO 3166-2 code|lower-cased subdivision name.
enum GeoCodeTable {
    static let text = """
C|AF|afghanistan
C|AL|albania
C|DZ|algeria
C|AS|american samoa
C|AD|andorra
C|AO|angola
C|AI|anguilla
C|AQ|antarctica
C|AG|antigua and barbuda
C|EG|arab republic of egypt
C|AR|argentina
C|AR|argentine republic
C|AM|armenia
C|AW|aruba
C|AU|australia
C|AT|austria
C|AZ|azerbaijan
C|BS|bahamas
C|BH|bahrain
C|BD|bangladesh
C|BB|barbados
C|BY|belarus
C|BE|belgium
C|BZ|belize
C|BJ|benin
C|BM|bermuda
C|BT|bhutan
C|VE|bolivarian republic of venezuela
C|BO|bolivia
C|BO|bolivia, plurinational state of
C|BQ|bonaire, sint eustatius and saba
C|BA|bosnia and herzegovina
C|BW|botswana
C|BV|bouvet island
C|BR|brasil
C|BR|brazil
C|IO|british indian ocean territory
C|VG|british virgin islands
C|BN|brunei
C|BN|brunei darussalam
C|BG|bulgaria
C|BF|burkina faso
C|BI|burundi
C|CV|cabo verde
C|KH|cambodia
C|CM|cameroon
C|CA|canada
C|CV|cape verde
C|KY|cayman islands
C|CF|central african republic
C|TD|chad
C|CL|chile
C|CN|china
C|CX|christmas island
C|CC|cocos (keeling) islands
C|CO|colombia
C|DM|commonwealth of dominica
C|BS|commonwealth of the bahamas
C|MP|commonwealth of the northern mariana islands
C|KM|comoros
C|CG|congo
C|CG|congo (brazzaville)
C|CD|congo (kinshasa)
C|CD|congo, the democratic republic of the
C|CK|cook islands
C|CR|costa rica
C|CI|cote d'ivoire
C|HR|croatia
C|CU|cuba
C|CW|curaçao
C|CY|cyprus
C|CZ|czech republic
C|CZ|czechia
C|CI|côte d'ivoire
C|KP|democratic people's republic of korea
C|ST|democratic republic of sao tome and principe
C|CD|democratic republic of the congo
C|TL|democratic republic of timor-leste
C|LK|democratic socialist republic of sri lanka
C|DK|denmark
C|DE|deutschland
C|DJ|djibouti
C|DM|dominica
C|DO|dominican republic
C|CD|dr congo
C|UY|eastern republic of uruguay
C|EC|ecuador
C|EG|egypt
C|SV|el salvador
C|GB|england
C|GQ|equatorial guinea
C|ER|eritrea
C|ES|españa
C|EE|estonia
C|SZ|eswatini
C|ET|ethiopia
C|FK|falkland islands (malvinas)
C|FO|faroe islands
C|ET|federal democratic republic of ethiopia
C|NP|federal democratic republic of nepal
C|DE|federal republic of germany
C|NG|federal republic of nigeria
C|SO|federal republic of somalia
C|FM|federated states of micronesia
C|BR|federative republic of brazil
C|FJ|fiji
C|FI|finland
C|FR|france
C|GF|french guiana
C|PF|french polynesia
C|FR|french republic
C|TF|french southern territories
C|GA|gabon
C|GA|gabonese republic
C|GM|gambia
C|GE|georgia
C|DE|germany
C|GH|ghana
C|GI|gibraltar
C|LU|grand duchy of luxembourg
C|GB|great britain
C|GR|greece
C|GL|greenland
C|GD|grenada
C|GP|guadeloupe
C|GU|guam
C|GT|guatemala
C|GG|guernsey
C|GN|guinea
C|GW|guinea-bissau
C|GY|guyana
C|HT|haiti
C|JO|hashemite kingdom of jordan
C|HM|heard island and mcdonald islands
C|GR|hellenic republic
C|VA|holy see (vatican city state)
C|HN|honduras
C|HK|hong kong
C|HK|hong kong special administrative region of china
C|HU|hungary
C|IS|iceland
C|PG|independent state of papua new guinea
C|WS|independent state of samoa
C|IN|india
C|ID|indonesia
C|IR|iran
C|IR|iran, islamic republic of
C|IQ|iraq
C|IE|ireland
C|AF|islamic republic of afghanistan
C|IR|islamic republic of iran
C|MR|islamic republic of mauritania
C|PK|islamic republic of pakistan
C|IM|isle of man
C|IL|israel
C|IT|italian republic
C|IT|italy
C|CI|ivory coast
C|JM|jamaica
C|JP|japan
C|JE|jersey
C|JO|jordan
C|KZ|kazakhstan
C|KE|kenya
C|BH|kingdom of bahrain
C|BE|kingdom of belgium
C|BT|kingdom of bhutan
C|KH|kingdom of cambodia
C|DK|kingdom of denmark
C|SZ|kingdom of eswatini
C|LS|kingdom of lesotho
C|MA|kingdom of morocco
C|NO|kingdom of norway
C|SA|kingdom of saudi arabia
C|ES|kingdom of spain
C|SE|kingdom of sweden
C|TH|kingdom of thailand
C|NL|kingdom of the netherlands
C|TO|kingdom of tonga
C|KI|kiribati
C|KR|korea
C|KP|korea, democratic people's republic of
C|KR|korea, republic of
C|KW|kuwait
C|KG|kyrgyz republic
C|KG|kyrgyzstan
C|LA|lao people's democratic republic
C|LA|laos
C|LV|latvia
C|LB|lebanese republic
C|LB|lebanon
C|LS|lesotho
C|LR|liberia
C|LY|libya
C|LI|liechtenstein
C|LT|lithuania
C|LU|luxembourg
C|MO|macao
C|MO|macao special administrative region of china
C|MO|macau
C|MK|macedonia
C|MG|madagascar
C|MW|malawi
C|MY|malaysia
C|MV|maldives
C|ML|mali
C|MT|malta
C|MH|marshall islands
C|MQ|martinique
C|MR|mauritania
C|MU|mauritius
C|YT|mayotte
C|MX|mexico
C|FM|micronesia
C|FM|micronesia, federated states of
C|MD|moldova
C|MD|moldova, republic of
C|MC|monaco
C|MN|mongolia
C|ME|montenegro
C|MS|montserrat
C|MA|morocco
C|MZ|mozambique
C|MM|myanmar
C|MX|méxico
C|NA|namibia
C|NR|nauru
C|NP|nepal
C|NL|netherlands
C|NC|new caledonia
C|NZ|new zealand
C|NI|nicaragua
C|NE|niger
C|NG|nigeria
C|NU|niue
C|NF|norfolk island
C|KP|north korea
C|MK|north macedonia
C|GB|northern ireland
C|MP|northern mariana islands
C|NO|norway
C|OM|oman
C|PK|pakistan
C|PW|palau
C|PS|palestine
C|PS|palestine, state of
C|PA|panama
C|PG|papua new guinea
C|PY|paraguay
C|DZ|people's democratic republic of algeria
C|BD|people's republic of bangladesh
C|CN|people's republic of china
C|PE|peru
C|PH|philippines
C|PN|pitcairn
C|BO|plurinational state of bolivia
C|PL|poland
C|PT|portugal
C|PT|portuguese republic
C|AD|principality of andorra
C|LI|principality of liechtenstein
C|MC|principality of monaco
C|PR|puerto rico
C|QA|qatar
C|AL|republic of albania
C|AO|republic of angola
C|AM|republic of armenia
C|AT|republic of austria
C|AZ|republic of azerbaijan
C|BY|republic of belarus
C|BJ|republic of benin
C|BA|republic of bosnia and herzegovina
C|BW|republic of botswana
C|BG|republic of bulgaria
C|BI|republic of burundi
C|CV|republic of cabo verde
C|CM|republic of cameroon
C|TD|republic of chad
C|CL|republic of chile
C|CO|republic of colombia
C|CR|republic of costa rica
C|HR|republic of croatia
C|CU|republic of cuba
C|CY|republic of cyprus
C|CI|republic of côte d'ivoire
C|DJ|republic of djibouti
C|EC|republic of ecuador
C|SV|republic of el salvador
C|GQ|republic of equatorial guinea
C|EE|republic of estonia
C|FJ|republic of fiji
C|FI|republic of finland
C|GH|republic of ghana
C|GT|republic of guatemala
C|GN|republic of guinea
C|GW|republic of guinea-bissau
C|GY|republic of guyana
C|HT|republic of haiti
C|HN|republic of honduras
C|IS|republic of iceland
C|IN|republic of india
C|ID|republic of indonesia
C|IQ|republic of iraq
C|KZ|republic of kazakhstan
C|KE|republic of kenya
C|KI|republic of kiribati
C|LV|republic of latvia
C|LR|republic of liberia
C|LT|republic of lithuania
C|MG|republic of madagascar
C|MW|republic of malawi
C|MV|republic of maldives
C|ML|republic of mali
C|MT|republic of malta
C|MU|republic of mauritius
C|MD|republic of moldova
C|MZ|republic of mozambique
C|MM|republic of myanmar
C|NA|republic of namibia
C|NR|republic of nauru
C|NI|republic of nicaragua
C|MK|republic of north macedonia
C|PW|republic of palau
C|PA|republic of panama
C|PY|republic of paraguay
C|PE|republic of peru
C|PL|republic of poland
C|SM|republic of san marino
C|SN|republic of senegal
C|RS|republic of serbia
C|SC|republic of seychelles
C|SL|republic of sierra leone
C|SG|republic of singapore
C|SI|republic of slovenia
C|ZA|republic of south africa
C|SS|republic of south sudan
C|SR|republic of suriname
C|TJ|republic of tajikistan
C|CG|republic of the congo
C|GM|republic of the gambia
C|MH|republic of the marshall islands
C|NE|republic of the niger
C|PH|republic of the philippines
C|SD|republic of the sudan
C|TT|republic of trinidad and tobago
C|TN|republic of tunisia
C|TR|republic of türkiye
C|UG|republic of uganda
C|UZ|republic of uzbekistan
C|VU|republic of vanuatu
C|YE|republic of yemen
C|ZM|republic of zambia
C|ZW|republic of zimbabwe
C|RO|romania
C|RU|russia
C|RU|russian federation
C|RW|rwanda
C|RW|rwandese republic
C|RE|réunion
C|BL|saint barthélemy
C|SH|saint helena, ascension and tristan da cunha
C|KN|saint kitts and nevis
C|LC|saint lucia
C|MF|saint martin (french part)
C|PM|saint pierre and miquelon
C|VC|saint vincent and the grenadines
C|WS|samoa
C|SM|san marino
C|ST|sao tome and principe
C|SA|saudi arabia
C|GB|scotland
C|SN|senegal
C|RS|serbia
C|SC|seychelles
C|SL|sierra leone
C|SG|singapore
C|SX|sint maarten (dutch part)
C|SK|slovak republic
C|SK|slovakia
C|SI|slovenia
C|VN|socialist republic of viet nam
C|SB|solomon islands
C|SO|somalia
C|ZA|south africa
C|GS|south georgia and the south sandwich islands
C|KR|south korea
C|SS|south sudan
C|ES|spain
C|LK|sri lanka
C|IL|state of israel
C|KW|state of kuwait
C|QA|state of qatar
C|SD|sudan
C|OM|sultanate of oman
C|SR|suriname
C|SJ|svalbard and jan mayen
C|SZ|swaziland
C|SE|sweden
C|CH|swiss confederation
C|CH|switzerland
C|SY|syria
C|SY|syrian arab republic
C|TW|taiwan
C|TW|taiwan, province of china
C|TJ|tajikistan
C|TZ|tanzania
C|TZ|tanzania, united republic of
C|TH|thailand
C|NL|the netherlands
C|ER|the state of eritrea
C|PS|the state of palestine
C|TL|timor-leste
C|TG|togo
C|TG|togolese republic
C|TK|tokelau
C|TO|tonga
C|TT|trinidad and tobago
C|TN|tunisia
C|TR|turkey
C|TM|turkmenistan
C|TC|turks and caicos islands
C|TV|tuvalu
C|TR|türkiye
C|US|u.s.
C|US|u.s.a.
C|AE|uae
C|UG|uganda
C|GB|uk
C|UA|ukraine
C|KM|union of the comoros
C|AE|united arab emirates
C|GB|united kingdom
C|GB|united kingdom of great britain and northern ireland
C|MX|united mexican states
C|TZ|united republic of tanzania
C|US|united states
C|UM|united states minor outlying islands
C|US|united states of america
C|UY|uruguay
C|US|us
C|US|usa
C|UZ|uzbekistan
C|VU|vanuatu
C|VA|vatican city
C|VE|venezuela
C|VE|venezuela, bolivarian republic of
C|VN|viet nam
C|VN|vietnam
C|VI|virgin islands of the united states
C|VG|virgin islands, british
C|VI|virgin islands, u.s.
C|GB|wales
C|WF|wallis and futuna
C|EH|western sahara
C|YE|yemen
C|ZM|zambia
C|ZW|zimbabwe
C|AX|åland islands
S|AR-B|buenos aires
S|AR-K|catamarca
S|AR-H|chaco
S|AR-U|chubut
S|AR-C|ciudad autonoma de buenos aires
S|AR-C|ciudad autónoma de buenos aires
S|AR-X|cordoba
S|AR-W|corrientes
S|AR-X|córdoba
S|AR-E|entre rios
S|AR-E|entre ríos
S|AR-P|formosa
S|AR-Y|jujuy
S|AR-L|la pampa
S|AR-F|la rioja
S|AR-M|mendoza
S|AR-N|misiones
S|AR-Q|neuquen
S|AR-Q|neuquén
S|AR-R|rio negro
S|AR-R|río negro
S|AR-A|salta
S|AR-J|san juan
S|AR-D|san luis
S|AR-Z|santa cruz
S|AR-S|santa fe
S|AR-G|santiago del estero
S|AR-V|tierra del fuego
S|AR-T|tucuman
S|AR-T|tucumán
S|AT-1|burgenland
S|AT-2|carinthia
S|AT-2|karnten
S|AT-2|kärnten
S|AT-3|lower austria
S|AT-3|niederosterreich
S|AT-3|niederösterreich
S|AT-4|oberosterreich
S|AT-4|oberösterreich
S|AT-5|salzburg
S|AT-6|steiermark
S|AT-6|styria
S|AT-7|tirol
S|AT-7|tyrol
S|AT-4|upper austria
S|AT-9|vienna
S|AT-8|vorarlberg
S|AT-9|wien
S|AU-ACT|australian capital territory
S|AU-NSW|new south wales
S|AU-NT|northern territory
S|AU-QLD|queensland
S|AU-SA|south australia
S|AU-TAS|tasmania
S|AU-VIC|victoria
S|AU-WA|western australia
S|BE-BRU|bruxelles-capitale, region de
S|BE-BRU|bruxelles-capitale, région de
S|BE-VLG|vlaams gewest
S|BE-WAL|wallonne, region
S|BE-WAL|wallonne, région
S|BR-AC|acre
S|BR-AL|alagoas
S|BR-AP|amapa
S|BR-AP|amapá
S|BR-AM|amazonas
S|BR-BA|bahia
S|BR-CE|ceara
S|BR-CE|ceará
S|BR-DF|distrito federal
S|BR-ES|espirito santo
S|BR-ES|espírito santo
S|BR-GO|goias
S|BR-GO|goiás
S|BR-MA|maranhao
S|BR-MA|maranhão
S|BR-MT|mato grosso
S|BR-MS|mato grosso do sul
S|BR-MG|minas gerais
S|BR-PA|para
S|BR-PB|paraiba
S|BR-PR|parana
S|BR-PR|paraná
S|BR-PB|paraíba
S|BR-PA|pará
S|BR-PE|pernambuco
S|BR-PI|piaui
S|BR-PI|piauí
S|BR-RJ|rio de janeiro
S|BR-RN|rio grande do norte
S|BR-RS|rio grande do sul
S|BR-RO|rondonia
S|BR-RO|rondônia
S|BR-RR|roraima
S|BR-SC|santa catarina
S|BR-SP|sao paulo
S|BR-SE|sergipe
S|BR-SP|são paulo
S|BR-TO|tocantins
S|CA-AB|alberta
S|CA-BC|british columbia
S|CA-MB|manitoba
S|CA-NB|new brunswick
S|CA-NL|newfoundland and labrador
S|CA-NT|northwest territories
S|CA-NS|nova scotia
S|CA-NU|nunavut
S|CA-ON|ontario
S|CA-PE|prince edward island
S|CA-QC|quebec
S|CA-SK|saskatchewan
S|CA-YT|yukon
S|CH-AG|aargau
S|CH-AR|appenzell ausserrhoden
S|CH-AI|appenzell innerrhoden
S|CH-BL|basel-landschaft
S|CH-BS|basel-stadt
S|CH-BE|berne
S|CH-FR|fribourg
S|CH-GE|geneva
S|CH-GE|geneve
S|CH-GE|genève
S|CH-GL|glarus
S|CH-GR|graubunden
S|CH-GR|graubünden
S|CH-JU|jura
S|CH-LU|luzern
S|CH-NE|neuchatel
S|CH-NE|neuchâtel
S|CH-NW|nidwalden
S|CH-OW|obwalden
S|CH-SG|sankt gallen
S|CH-SH|schaffhausen
S|CH-SZ|schwyz
S|CH-SO|solothurn
S|CH-TG|thurgau
S|CH-TI|ticino
S|CH-UR|uri
S|CH-VS|valais
S|CH-VD|vaud
S|CH-ZG|zug
S|CH-ZH|zurich
S|CH-ZH|zürich
S|CN-AH|anhui sheng
S|CN-BJ|beijing shi
S|CN-CQ|chongqing shi
S|CN-FJ|fujian sheng
S|CN-GS|gansu sheng
S|CN-GD|guangdong sheng
S|CN-GX|guangxi zhuangzu zizhiqu
S|CN-GZ|guizhou sheng
S|CN-HI|hainan sheng
S|CN-HE|hebei sheng
S|CN-HL|heilongjiang sheng
S|CN-HA|henan sheng
S|CN-HK|hong kong sar
S|CN-HB|hubei sheng
S|CN-HN|hunan sheng
S|CN-JS|jiangsu sheng
S|CN-JX|jiangxi sheng
S|CN-JL|jilin sheng
S|CN-LN|liaoning sheng
S|CN-MO|macao sar
S|CN-NM|nei mongol zizhiqu
S|CN-NX|ningxia huizu zizhiqu
S|CN-QH|qinghai sheng
S|CN-SN|shaanxi sheng
S|CN-SD|shandong sheng
S|CN-SH|shanghai shi
S|CN-SX|shanxi sheng
S|CN-SC|sichuan sheng
S|CN-TW|taiwan sheng
S|CN-TJ|tianjin shi
S|CN-XJ|xinjiang uygur zizhiqu
S|CN-XZ|xizang zizhiqu
S|CN-YN|yunnan sheng
S|CN-ZJ|zhejiang sheng
S|DE-BW|baden-wurttemberg
S|DE-BW|baden-württemberg
S|DE-BY|bavaria
S|DE-BY|bayern
S|DE-BE|berlin
S|DE-BB|brandenburg
S|DE-HB|bremen
S|DE-HH|hamburg
S|DE-HE|hesse
S|DE-HE|hessen
S|DE-NI|lower saxony
S|DE-MV|mecklenburg-vorpommern
S|DE-MV|mecklenburg-western pomerania
S|DE-NI|niedersachsen
S|DE-NW|nordrhein-westfalen
S|DE-NW|north rhine-westphalia
S|DE-RP|rheinland-pfalz
S|DE-RP|rhineland-palatinate
S|DE-SL|saarland
S|DE-SN|sachsen
S|DE-ST|sachsen-anhalt
S|DE-SN|saxony
S|DE-ST|saxony-anhalt
S|DE-SH|schleswig-holstein
S|DE-TH|thuringen
S|DE-TH|thuringia
S|DE-TH|thüringen
S|DK-84|hovedstaden
S|DK-82|midtjylland
S|DK-81|nordjylland
S|DK-85|sjlland
S|DK-85|sjælland
S|DK-83|syddanmark
S|ES-AN|andalucia
S|ES-AN|andalucía
S|ES-AR|aragon
S|ES-AR|aragón
S|ES-AS|asturias, principado de
S|ES-CN|canarias
S|ES-CB|cantabria
S|ES-CL|castilla y leon
S|ES-CL|castilla y león
S|ES-CM|castilla-la mancha
S|ES-CT|catalunya [cataluna]
S|ES-CT|catalunya [cataluña]
S|ES-CE|ceuta
S|ES-EX|extremadura
S|ES-GA|galicia [galicia]
S|ES-IB|illes balears [islas baleares]
S|ES-RI|la rioja
S|ES-MD|madrid, comunidad de
S|ES-ML|melilla
S|ES-MC|murcia, region de
S|ES-MC|murcia, región de
S|ES-NC|navarra, comunidad foral de
S|ES-PV|pais vasco
S|ES-PV|país vasco
S|ES-VC|valenciana, comunidad
S|FI-02|etela-karjala
S|FI-03|etela-pohjanmaa
S|FI-04|etela-savo
S|FI-02|etelä-karjala
S|FI-03|etelä-pohjanmaa
S|FI-04|etelä-savo
S|FI-05|kainuu
S|FI-06|kanta-hame
S|FI-06|kanta-häme
S|FI-07|keski-pohjanmaa
S|FI-08|keski-suomi
S|FI-09|kymenlaakso
S|FI-01|landskapet aland
S|FI-01|landskapet åland
S|FI-10|lappi
S|FI-16|paijat-hame
S|FI-11|pirkanmaa
S|FI-12|pohjanmaa
S|FI-13|pohjois-karjala
S|FI-14|pohjois-pohjanmaa
S|FI-15|pohjois-savo
S|FI-16|päijät-häme
S|FI-17|satakunta
S|FI-18|uusimaa
S|FI-19|varsinais-suomi
S|FR-ARA|auvergne-rhone-alpes
S|FR-ARA|auvergne-rhône-alpes
S|FR-BFC|bourgogne-franche-comte
S|FR-BFC|bourgogne-franche-comté
S|FR-BRE|bretagne
S|FR-CVL|centre-val de loire
S|FR-CP|clipperton
S|FR-20R|corse
S|FR-GES|grand-est
S|FR-971|guadeloupe
S|FR-973|guyane (francaise)
S|FR-973|guyane (française)
S|FR-HDF|hauts-de-france
S|FR-IDF|ile-de-france
S|FR-974|la reunion
S|FR-974|la réunion
S|FR-972|martinique
S|FR-976|mayotte
S|FR-NOR|normandie
S|FR-NAQ|nouvelle-aquitaine
S|FR-NC|nouvelle-caledonie
S|FR-NC|nouvelle-calédonie
S|FR-OCC|occitanie
S|FR-PDL|pays-de-la-loire
S|FR-PF|polynesie francaise
S|FR-PF|polynésie française
S|FR-PAC|provence-alpes-cote-dazur
S|FR-PAC|provence-alpes-côte-d’azur
S|FR-BL|saint-barthelemy
S|FR-BL|saint-barthélemy
S|FR-MF|saint-martin
S|FR-PM|saint-pierre-et-miquelon
S|FR-TF|terres australes francaises
S|FR-TF|terres australes françaises
S|FR-WF|wallis-et-futuna
S|FR-IDF|île-de-france
S|IE-C|connaught
S|IE-L|leinster
S|IE-M|munster
S|IE-U|ulster
S|IN-AN|andaman and nicobar islands
S|IN-AP|andhra pradesh
S|IN-AR|arunachal pradesh
S|IN-AR|arunāchal pradesh
S|IN-AS|assam
S|IN-BR|bihar
S|IN-BR|bihār
S|IN-CH|chandigarh
S|IN-CH|chandīgarh
S|IN-CG|chhattisgarh
S|IN-CG|chhattīsgarh
S|IN-DH|dadra and nagar haveli and daman and diu
S|IN-DL|delhi
S|IN-DH|dādra and nagar haveli and damān and diu
S|IN-GA|goa
S|IN-GJ|gujarat
S|IN-GJ|gujarāt
S|IN-HR|haryana
S|IN-HR|haryāna
S|IN-HP|himachal pradesh
S|IN-HP|himāchal pradesh
S|IN-JK|jammu and kashmir
S|IN-JK|jammu and kashmīr
S|IN-JH|jharkhand
S|IN-JH|jhārkhand
S|IN-KA|karnataka
S|IN-KA|karnātaka
S|IN-KL|kerala
S|IN-LA|ladakh
S|IN-LA|ladākh
S|IN-LD|lakshadweep
S|IN-MP|madhya pradesh
S|IN-MH|maharashtra
S|IN-MH|mahārāshtra
S|IN-MN|manipur
S|IN-ML|meghalaya
S|IN-ML|meghālaya
S|IN-MZ|mizoram
S|IN-NL|nagaland
S|IN-NL|nāgāland
S|IN-OD|odisha
S|IN-PY|puducherry
S|IN-PB|punjab
S|IN-RJ|rajasthan
S|IN-RJ|rājasthān
S|IN-SK|sikkim
S|IN-TN|tamil nadu
S|IN-TN|tamil nādu
S|IN-TS|telangana
S|IN-TS|telangāna
S|IN-TR|tripura
S|IN-UP|uttar pradesh
S|IN-UK|uttarakhand
S|IN-UK|uttarākhand
S|IN-WB|west bengal
S|IT-65|abruzzo
S|IT-77|basilicata
S|IT-78|calabria
S|IT-72|campania
S|IT-45|emilia-romagna
S|IT-36|friuli venezia giulia
S|IT-62|lazio
S|IT-42|liguria
S|IT-25|lombardia
S|IT-57|marche
S|IT-67|molise
S|IT-21|piemonte
S|IT-75|puglia
S|IT-88|sardegna
S|IT-82|sicilia
S|IT-52|toscana
S|IT-32|trentino-alto adige
S|IT-55|umbria
S|IT-23|valle d'aosta
S|IT-34|veneto
S|JP-23|aichi
S|JP-05|akita
S|JP-02|aomori
S|JP-12|chiba
S|JP-38|ehime
S|JP-18|fukui
S|JP-40|fukuoka
S|JP-07|fukushima
S|JP-21|gifu
S|JP-10|gunma
S|JP-34|hiroshima
S|JP-01|hokkaido
S|JP-28|hyogo
S|JP-08|ibaraki
S|JP-17|ishikawa
S|JP-03|iwate
S|JP-37|kagawa
S|JP-46|kagoshima
S|JP-14|kanagawa
S|JP-39|kochi
S|JP-43|kumamoto
S|JP-26|kyoto
S|JP-24|mie
S|JP-04|miyagi
S|JP-45|miyazaki
S|JP-20|nagano
S|JP-42|nagasaki
S|JP-29|nara
S|JP-15|niigata
S|JP-44|oita
S|JP-33|okayama
S|JP-47|okinawa
S|JP-27|osaka
S|JP-41|saga
S|JP-11|saitama
S|JP-25|shiga
S|JP-32|shimane
S|JP-22|shizuoka
S|JP-09|tochigi
S|JP-36|tokushima
S|JP-13|tokyo
S|JP-31|tottori
S|JP-16|toyama
S|JP-30|wakayama
S|JP-06|yamagata
S|JP-35|yamaguchi
S|JP-19|yamanashi
S|MX-AGU|aguascalientes
S|MX-BCN|baja california
S|MX-BCS|baja california sur
S|MX-CAM|campeche
S|MX-CHP|chiapas
S|MX-CHH|chihuahua
S|MX-CMX|ciudad de mexico
S|MX-CMX|ciudad de méxico
S|MX-COA|coahuila de zaragoza
S|MX-COL|colima
S|MX-DUR|durango
S|MX-GUA|guanajuato
S|MX-GRO|guerrero
S|MX-HID|hidalgo
S|MX-JAL|jalisco
S|MX-MEX|mexico
S|MX-CMX|mexico city
S|MX-MIC|michoacan de ocampo
S|MX-MIC|michoacán de ocampo
S|MX-MOR|morelos
S|MX-MEX|méxico
S|MX-NAY|nayarit
S|MX-NLE|nuevo leon
S|MX-NLE|nuevo león
S|MX-OAX|oaxaca
S|MX-PUE|puebla
S|MX-QUE|queretaro
S|MX-QUE|querétaro
S|MX-ROO|quintana roo
S|MX-SLP|san luis potosi
S|MX-SLP|san luis potosí
S|MX-SIN|sinaloa
S|MX-SON|sonora
S|MX-TAB|tabasco
S|MX-TAM|tamaulipas
S|MX-TLA|tlaxcala
S|MX-VER|veracruz de ignacio de la llave
S|MX-YUC|yucatan
S|MX-YUC|yucatán
S|MX-ZAC|zacatecas
S|NL-AW|aruba
S|NL-BQ1|bonaire
S|NL-CW|curacao
S|NL-CW|curaçao
S|NL-DR|drenthe
S|NL-FL|flevoland
S|NL-FR|fryslan
S|NL-FR|fryslân
S|NL-GE|gelderland
S|NL-GR|groningen
S|NL-LI|limburg
S|NL-NB|noord-brabant
S|NL-NH|noord-holland
S|NL-OV|overijssel
S|NL-BQ2|saba
S|NL-BQ3|sint eustatius
S|NL-SX|sint maarten
S|NL-UT|utrecht
S|NL-ZE|zeeland
S|NL-ZH|zuid-holland
S|NO-42|agder
S|NO-34|innlandet
S|NO-22|jan mayen (arctic region)
S|NO-15|mre og romsdal
S|NO-15|møre og romsdal
S|NO-18|nordland
S|NO-03|oslo
S|NO-11|rogaland
S|NO-21|svalbard (arctic region)
S|NO-50|trndelag
S|NO-54|troms og finnmark
S|NO-50|trøndelag
S|NO-38|vestfold og telemark
S|NO-46|vestland
S|NO-30|viken
S|NZ-AUK|auckland
S|NZ-BOP|bay of plenty
S|NZ-CAN|canterbury
S|NZ-CIT|chatham islands territory
S|NZ-GIS|gisborne
S|NZ-WGN|greater wellington
S|NZ-HKB|hawke's bay
S|NZ-MWT|manawatu-whanganui
S|NZ-MWT|manawatū-whanganui
S|NZ-MBH|marlborough
S|NZ-NSN|nelson
S|NZ-NTL|northland
S|NZ-OTA|otago
S|NZ-STL|southland
S|NZ-TKI|taranaki
S|NZ-TAS|tasman
S|NZ-WKO|waikato
S|NZ-WTC|west coast
S|PL-02|dolnoslaskie
S|PL-02|dolnośląskie
S|PL-04|kujawsko-pomorskie
S|PL-06|lubelskie
S|PL-08|lubuskie
S|PL-12|maopolskie
S|PL-14|mazowieckie
S|PL-12|małopolskie
S|PL-10|odzkie
S|PL-16|opolskie
S|PL-18|podkarpackie
S|PL-20|podlaskie
S|PL-22|pomorskie
S|PL-24|slaskie
S|PL-26|swietokrzyskie
S|PL-28|warminsko-mazurskie
S|PL-28|warmińsko-mazurskie
S|PL-30|wielkopolskie
S|PL-32|zachodniopomorskie
S|PL-10|łódzkie
S|PL-24|śląskie
S|PL-26|świętokrzyskie
S|PT-01|aveiro
S|PT-02|beja
S|PT-03|braga
S|PT-04|braganca
S|PT-04|bragança
S|PT-05|castelo branco
S|PT-06|coimbra
S|PT-07|evora
S|PT-08|faro
S|PT-09|guarda
S|PT-10|leiria
S|PT-11|lisboa
S|PT-12|portalegre
S|PT-13|porto
S|PT-30|regiao autonoma da madeira
S|PT-20|regiao autonoma dos acores
S|PT-30|região autónoma da madeira
S|PT-20|região autónoma dos açores
S|PT-14|santarem
S|PT-14|santarém
S|PT-15|setubal
S|PT-15|setúbal
S|PT-16|viana do castelo
S|PT-17|vila real
S|PT-18|viseu
S|PT-07|évora
S|SE-K|blekinge lan [se-10]
S|SE-K|blekinge län [se-10]
S|SE-W|dalarnas lan [se-20]
S|SE-W|dalarnas län [se-20]
S|SE-X|gavleborgs lan [se-21]
S|SE-I|gotlands lan [se-09]
S|SE-I|gotlands län [se-09]
S|SE-X|gävleborgs län [se-21]
S|SE-N|hallands lan [se-13]
S|SE-N|hallands län [se-13]
S|SE-Z|jamtlands lan [se-23]
S|SE-F|jonkopings lan [se-06]
S|SE-Z|jämtlands län [se-23]
S|SE-F|jönköpings län [se-06]
S|SE-H|kalmar lan [se-08]
S|SE-H|kalmar län [se-08]
S|SE-G|kronobergs lan [se-07]
S|SE-G|kronobergs län [se-07]
S|SE-BD|norrbottens lan [se-25]
S|SE-BD|norrbottens län [se-25]
S|SE-T|orebro lan [se-18]
S|SE-E|ostergotlands lan [se-05]
S|SE-M|skane lan [se-12]
S|SE-M|skåne län [se-12]
S|SE-D|sodermanlands lan [se-04]
S|SE-AB|stockholms lan [se-01]
S|SE-AB|stockholms län [se-01]
S|SE-D|södermanlands län [se-04]
S|SE-C|uppsala lan [se-03]
S|SE-C|uppsala län [se-03]
S|SE-S|varmlands lan [se-17]
S|SE-AC|vasterbottens lan [se-24]
S|SE-Y|vasternorrlands lan [se-22]
S|SE-U|vastmanlands lan [se-19]
S|SE-O|vastra gotalands lan [se-14]
S|SE-S|värmlands län [se-17]
S|SE-AC|västerbottens län [se-24]
S|SE-Y|västernorrlands län [se-22]
S|SE-U|västmanlands län [se-19]
S|SE-O|västra götalands län [se-14]
S|SE-T|örebro län [se-18]
S|SE-E|östergötlands län [se-05]
S|US-AL|alabama
S|US-AK|alaska
S|US-AS|american samoa
S|US-AZ|arizona
S|US-AR|arkansas
S|US-CA|california
S|US-CO|colorado
S|US-CT|connecticut
S|US-DE|delaware
S|US-DC|district of columbia
S|US-FL|florida
S|US-GA|georgia
S|US-GU|guam
S|US-HI|hawaii
S|US-ID|idaho
S|US-IL|illinois
S|US-IN|indiana
S|US-IA|iowa
S|US-KS|kansas
S|US-KY|kentucky
S|US-LA|louisiana
S|US-ME|maine
S|US-MD|maryland
S|US-MA|massachusetts
S|US-MI|michigan
S|US-MN|minnesota
S|US-MS|mississippi
S|US-MO|missouri
S|US-MT|montana
S|US-NE|nebraska
S|US-NV|nevada
S|US-NH|new hampshire
S|US-NJ|new jersey
S|US-NM|new mexico
S|US-NY|new york
S|US-NC|north carolina
S|US-ND|north dakota
S|US-MP|northern mariana islands
S|US-OH|ohio
S|US-OK|oklahoma
S|US-OR|oregon
S|US-PA|pennsylvania
S|US-PR|puerto rico
S|US-RI|rhode island
S|US-SC|south carolina
S|US-SD|south dakota
S|US-TN|tennessee
S|US-TX|texas
S|US-UM|united states minor outlying islands
S|US-UT|utah
S|US-VT|vermont
S|US-VI|virgin islands, u.s.
S|US-VA|virginia
S|US-WA|washington
S|US-WV|west virginia
S|US-WI|wisconsin
S|US-WY|wyoming
S|ZA-EC|eastern cape
S|ZA-FS|free state
S|ZA-GP|gauteng
S|ZA-KZN|kwazulu-natal
S|ZA-LP|limpopo
S|ZA-MP|mpumalanga
S|ZA-NW|north-west
S|ZA-NC|northern cape
S|ZA-WC|western cape
"""
}
